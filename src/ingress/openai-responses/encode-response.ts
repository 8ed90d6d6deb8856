import type { AssistantMessage, Message } from "../../core/chat-request.js";
import type { ChatResult, FinishReason } from "../../core/chat-result.js";
import type { Usage } from "../../core/usage.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import type { ResponseEcho } from "./parse-responses-request.js";

/** What a response object says about its request, fixed before the answer starts. */
export interface ResponseIdentity {
  /** `resp_…`: also the stem of its items' ids. */
  readonly id: string;
  readonly model: string;
  readonly createdAt: number;
  readonly instructions: string | null;
  readonly previousResponseId: string | null;
  readonly store: boolean;
  readonly echo: ResponseEcho;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export type OutputItem =
  | {
      type: "reasoning";
      id: string;
      summary: { type: "summary_text"; text: string }[];
      status?: "in_progress" | "completed";
    }
  | {
      type: "message";
      id: string;
      role: "assistant";
      status: "in_progress" | "completed" | "incomplete";
      content: OutputContent[];
    }
  | {
      type: "function_call";
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: "in_progress" | "completed" | "incomplete";
    };

export type OutputContent =
  { type: "output_text"; text: string; annotations: []; logprobs: [] } | { type: "refusal"; refusal: string };

export interface ResponseUsageWire {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Why an answer stopped short, in the Responses API's words; undefined when it did not. */
export function incompleteReason(
  finish: FinishReason | undefined,
): "max_output_tokens" | "content_filter" | undefined {
  if (finish === "length") return "max_output_tokens";
  if (finish === "content_filter") return "content_filter";
  return undefined;
}

export function encodeUsage(usage: Usage): ResponseUsageWire {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}

/**
 * A `response` object in any state: `response.created` carries it empty and in progress,
 * `response.completed` and the non-streamed answer carry it whole.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function responseObject(
  identity: ResponseIdentity,
  status: ResponseStatus,
  output: readonly OutputItem[],
  finish: { usage?: Usage; finishReason?: FinishReason; error?: GatewayError; completedAt?: number } = {},
): Record<string, unknown> {
  const echo = identity.echo;
  const reason = status === "incomplete" ? incompleteReason(finish.finishReason) : undefined;
  const body: Record<string, unknown> = {
    id: identity.id,
    object: "response",
    created_at: identity.createdAt,
    status,
    background: false,
    completed_at: status === "completed" ? (finish.completedAt ?? identity.createdAt) : null,
    error: finish.error === undefined ? null : { code: finish.error.code, message: finish.error.message },
    incomplete_details: reason === undefined ? null : { reason },
    instructions: identity.instructions,
    max_output_tokens: echo.maxOutputTokens,
    metadata: echo.metadata,
    model: identity.model,
    output,
    parallel_tool_calls: echo.parallelToolCalls,
    previous_response_id: identity.previousResponseId,
    reasoning: echo.reasoning,
    store: identity.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.toolChoice,
    tools: echo.tools,
    top_p: echo.topP,
    truncation: echo.truncation,
    usage: finish.usage === undefined ? null : encodeUsage(finish.usage),
  };
  if (echo.user !== undefined) body["user"] = echo.user;
  return body;
}

/** The output items of a whole answer, in the order the Responses API gives them: reasoning, message, calls. */
export function outputItems(result: ChatResult, id: string): OutputItem[] {
  const items: OutputItem[] = [];
  if (result.reasoning !== undefined && result.reasoning !== "") {
    items.push({
      type: "reasoning",
      id: `rs_${id}`,
      summary: [{ type: "summary_text", text: result.reasoning }],
    });
  }
  const content: OutputContent[] = [];
  if (result.text !== null && result.text !== "") {
    content.push({ type: "output_text", text: result.text, annotations: [], logprobs: [] });
  }
  if (result.refusal !== undefined && result.refusal !== "")
    content.push({ type: "refusal", refusal: result.refusal });
  const incomplete = incompleteReason(result.finishReason) !== undefined;
  if (content.length > 0) {
    items.push({
      type: "message",
      id: `msg_${id}`,
      role: "assistant",
      status: incomplete ? "incomplete" : "completed",
      content,
    });
  }
  result.toolCalls.forEach((call, index) => {
    items.push({
      type: "function_call",
      id: `fc_${id}_${index}`,
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
      status: "completed",
    });
  });
  return items;
}

/** A non-streamed answer's response object. */
export function encodeResponse(
  result: ChatResult,
  identity: ResponseIdentity,
  completedAt: number,
): Record<string, unknown> {
  const output = outputItems(result, identity.id.slice(5));
  const status = incompleteReason(result.finishReason) === undefined ? "completed" : "incomplete";
  return responseObject(identity, status, output, {
    ...(result.usage === undefined ? {} : { usage: result.usage }),
    finishReason: result.finishReason,
    completedAt,
  });
}

/**
 * The output as the next turn's history: one assistant message with its text and calls. Reasoning is
 * not replayed (another cloud cannot read it); a refusal is, for the next turn, what the model said.
 */
export function outputMessages(output: readonly OutputItem[]): Message[] {
  let text = "";
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const item of output) {
    if (item.type === "message") {
      for (const part of item.content) text += part.type === "output_text" ? part.text : part.refusal;
    } else if (item.type === "function_call") {
      calls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
    }
  }
  if (text === "" && calls.length === 0) return [];
  const message: AssistantMessage =
    calls.length === 0
      ? { role: "assistant", content: [{ type: "text", text }] }
      : { role: "assistant", content: text === "" ? [] : [{ type: "text", text }], toolCalls: calls };
  return [message];
}
