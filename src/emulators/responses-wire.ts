import type { ChatReply } from "./chat-reply.js";
import type { StreamEvent } from "./chat-stream-events.js";
import type { ResponsesRequest } from "./responses-request.js";
import { countTextTokens, splitIntoTokenPieces } from "./tokens.js";

/** Identity of one response: the same on every event of a stream. */
export interface ResponseMeta {
  id: string;
  createdAt: number;
  model: string;
  messageId: string;
  /** Per planned tool call: its item id (`fc_…`) and its call id (`call_…`). */
  calls: { itemId: string; callId: string }[];
}

type Status = "in_progress" | "completed" | "incomplete";

function usage(reply: ChatReply) {
  return {
    input_tokens: reply.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: reply.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
}

function textPart(text: string) {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

function messageItem(meta: ResponseMeta, status: Status, text: string | undefined) {
  return {
    id: meta.messageId,
    type: "message",
    status,
    content: text === undefined ? [] : [textPart(text)],
    role: "assistant",
  };
}

function callItem(meta: ResponseMeta, reply: ChatReply, index: number, status: Status, args: string) {
  const ids = meta.calls[index];
  return {
    id: ids?.itemId ?? "",
    type: "function_call",
    status,
    arguments: args,
    call_id: ids?.callId ?? "",
    name: reply.toolCalls[index]?.name ?? "",
  };
}

function finalStatus(reply: ChatReply): "completed" | "incomplete" {
  return reply.finishReason === "length" ? "incomplete" : "completed";
}

/** The finished output, in the order OpenAI gives it: the message, or the function calls. */
function finalOutput(meta: ResponseMeta, reply: ChatReply): unknown[] {
  if (reply.toolCalls.length > 0)
    return reply.toolCalls.map((call, index) => callItem(meta, reply, index, "completed", call.arguments));
  return [messageItem(meta, finalStatus(reply), reply.content ?? "")];
}

/**
 * A `response` object, in OpenAI's field order, in progress (empty) or finished.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function responseBody(
  meta: ResponseMeta,
  request: ResponsesRequest,
  reply: ChatReply,
  status: Status,
): Record<string, unknown> {
  const finished = status !== "in_progress";
  return {
    id: meta.id,
    object: "response",
    created_at: meta.createdAt,
    status,
    background: false,
    completed_at: status === "completed" ? meta.createdAt : null,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: request.instructions,
    max_output_tokens: request.maxOutputTokens,
    max_tool_calls: null,
    model: meta.model,
    output: finished ? finalOutput(meta, reply) : [],
    parallel_tool_calls: request.chat.parallelToolCalls,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: request.store,
    temperature: request.temperature,
    text: request.text,
    tool_choice: request.toolChoice,
    tools: request.tools,
    top_logprobs: 0,
    top_p: request.topP,
    truncation: "disabled",
    usage: finished ? usage(reply) : null,
    user: null,
    metadata: request.metadata,
  };
}

/**
 * The semantic events of a streamed response, each with its `type` (also the SSE event name) and the
 * next `sequence_number`: `response.created`, `response.in_progress`, the message's or each function
 * call's item with its deltas and `.done` events, then `response.completed` (or `response.incomplete`).
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function responseStreamEvents(
  meta: ResponseMeta,
  request: ResponsesRequest,
  reply: ChatReply,
): StreamEvent[] {
  const events: StreamEvent[] = [];
  const emit = (phase: StreamEvent["phase"], type: string, fields: Record<string, unknown>, tokens = 0) => {
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields }, tokens, phase });
  };
  emit("head", "response.created", { response: responseBody(meta, request, reply, "in_progress") });
  emit("head", "response.in_progress", { response: responseBody(meta, request, reply, "in_progress") });
  if (reply.toolCalls.length > 0) {
    reply.toolCalls.forEach((call, index) => {
      const itemId = meta.calls[index]?.itemId ?? "";
      emit(
        "delta",
        "response.output_item.added",
        { output_index: index, item: callItem(meta, reply, index, "in_progress", "") },
        countTextTokens(call.name),
      );
      for (const piece of splitIntoTokenPieces(call.arguments)) {
        emit(
          "delta",
          "response.function_call_arguments.delta",
          { item_id: itemId, output_index: index, delta: piece.text },
          piece.tokens,
        );
      }
      emit("tail", "response.function_call_arguments.done", {
        item_id: itemId,
        output_index: index,
        name: call.name,
        arguments: call.arguments,
      });
      emit("tail", "response.output_item.done", {
        output_index: index,
        item: callItem(meta, reply, index, "completed", call.arguments),
      });
    });
  } else {
    const text = reply.content ?? "";
    const where = { item_id: meta.messageId, output_index: 0, content_index: 0 };
    emit("head", "response.output_item.added", {
      output_index: 0,
      item: messageItem(meta, "in_progress", undefined),
    });
    emit("head", "response.content_part.added", { ...where, part: textPart("") });
    for (const piece of splitIntoTokenPieces(text)) {
      emit(
        "delta",
        "response.output_text.delta",
        { ...where, delta: piece.text, logprobs: [] },
        piece.tokens,
      );
    }
    emit("tail", "response.output_text.done", { ...where, text, logprobs: [] });
    emit("tail", "response.content_part.done", { ...where, part: textPart(text) });
    emit("tail", "response.output_item.done", {
      output_index: 0,
      item: messageItem(meta, finalStatus(reply), text),
    });
  }
  const status = finalStatus(reply);
  emit("tail", `response.${status}`, { response: responseBody(meta, request, reply, status) });
  return events;
}

/** The `error` event OpenAI sends inside a 200 stream (fault `stream_error`). */
export function responseErrorEvent(sequenceNumber: number): string {
  const data = {
    type: "error",
    code: "server_error",
    message: "The server had an error while processing your request. Sorry about that!",
    param: null,
    sequence_number: sequenceNumber,
  };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
