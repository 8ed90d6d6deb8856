import type { FinishReason } from "../../core/chat-result.js";
import type { StreamPart } from "../../core/stream-part.js";
import type { Usage } from "../../core/usage.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import type { SseEncoder } from "../../http/sse-sink.js";
import {
  incompleteReason,
  responseObject,
  type OutputContent,
  type OutputItem,
  type ResponseIdentity,
} from "./encode-response.js";

export interface ResponseEventEncoderOptions {
  readonly identity: ResponseIdentity;
  /** Seconds since the epoch, for `completed_at`. */
  readonly nowSeconds: () => number;
  /** Called once when the answer is complete (or incomplete), with the final response and its output. */
  readonly onDone?: (response: Record<string, unknown>, output: readonly OutputItem[]) => void;
}

type MessageItem = Extract<OutputItem, { type: "message" }>;
type ReasoningItem = Extract<OutputItem, { type: "reasoning" }>;
type CallItem = Extract<OutputItem, { type: "function_call" }>;

/**
 * Canonical stream parts → the Responses API's semantic events, in the order OpenAI sends them:
 * `response.created`, `response.in_progress`, then per output item `output_item.added`, its parts and
 * deltas and their `.done`s, `output_item.done`, and last `response.completed` (or `.incomplete`, or an
 * `error` and `response.failed`). Every event has the next `sequence_number`. At most one message or
 * reasoning item is open at a time; a part of another kind closes it, as OpenAI's items never interleave.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createResponseEventEncoder(options: ResponseEventEncoderOptions): SseEncoder {
  const identity = options.identity;
  const stem = identity.id.slice(5);
  const output: OutputItem[] = [];
  let sequence = 0;
  let started = false;
  let ended = false;
  let text = "";
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  /** The open message or reasoning item, with its open content part. */
  let message: { item: MessageItem; index: number; part: OutputContent | undefined } | undefined;
  let reasoning: { item: ReasoningItem; index: number } | undefined;
  /** Open function calls by the stream's tool-call index. */
  const calls = new Map<number, { item: CallItem; index: number; open: boolean }>();

  const emit = (type: string, fields: Record<string, unknown>): void => {
    text += `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: sequence++ })}\n\n`;
  };
  const start = (): void => {
    if (started) return;
    started = true;
    const response = responseObject(identity, "in_progress", []);
    emit("response.created", { response });
    emit("response.in_progress", { response });
  };
  /** Events are serialised as they are made, so an item can be emitted live and changed after. */
  const addItem = (item: OutputItem): number => {
    output.push(item);
    emit("response.output_item.added", { output_index: output.length - 1, item });
    return output.length - 1;
  };

  const closePart = (): void => {
    if (message === undefined || message.part === undefined) return;
    const { item, index, part } = message;
    const where = { item_id: item.id, output_index: index, content_index: item.content.length - 1 };
    if (part.type === "output_text")
      emit("response.output_text.done", { ...where, text: part.text, logprobs: [] });
    else emit("response.refusal.done", { ...where, refusal: part.refusal });
    emit("response.content_part.done", { ...where, part });
    message.part = undefined;
  };
  const closeMessage = (): void => {
    if (message === undefined) return;
    closePart();
    message.item.status = incompleteReason(finishReason) === undefined ? "completed" : "incomplete";
    emit("response.output_item.done", { output_index: message.index, item: message.item });
    message = undefined;
  };
  const closeReasoning = (): void => {
    if (reasoning === undefined) return;
    const { item, index } = reasoning;
    const part = item.summary[0];
    if (part !== undefined) {
      const where = { item_id: item.id, output_index: index, summary_index: 0 };
      emit("response.reasoning_summary_text.done", { ...where, text: part.text });
      emit("response.reasoning_summary_part.done", { ...where, part });
    }
    item.status = "completed";
    emit("response.output_item.done", { output_index: index, item });
    reasoning = undefined;
  };
  const closeCalls = (): void => {
    for (const call of calls.values()) {
      if (!call.open) continue;
      call.open = false;
      const { item, index } = call;
      emit("response.function_call_arguments.done", {
        item_id: item.id,
        output_index: index,
        name: item.name,
        arguments: item.arguments,
      });
      item.status = "completed";
      emit("response.output_item.done", { output_index: index, item });
    }
  };
  const closeAll = (): void => {
    closeReasoning();
    closeMessage();
    closeCalls();
  };

  const openPart = (kind: OutputContent["type"]): NonNullable<typeof message> => {
    if (message === undefined) {
      closeReasoning();
      closeCalls();
      const item: MessageItem = {
        type: "message",
        id: output.length === 0 ? `msg_${stem}` : `msg_${stem}_${output.length}`,
        role: "assistant",
        status: "in_progress",
        content: [],
      };
      message = { item, index: addItem(item), part: undefined };
    }
    if (message.part?.type === kind) return message;
    closePart();
    const part: OutputContent =
      kind === "output_text"
        ? { type: "output_text", text: "", annotations: [], logprobs: [] }
        : { type: "refusal", refusal: "" };
    message.item.content.push(part);
    message.part = part;
    emit("response.content_part.added", {
      item_id: message.item.id,
      output_index: message.index,
      content_index: message.item.content.length - 1,
      part,
    });
    return message;
  };

  const encodePart = (part: StreamPart): void => {
    switch (part.type) {
      case "response-metadata":
        return;
      case "text-delta": {
        if (part.delta === "") return;
        const open = openPart("output_text");
        if (open.part?.type === "output_text") open.part.text += part.delta;
        emit("response.output_text.delta", {
          item_id: open.item.id,
          output_index: open.index,
          content_index: open.item.content.length - 1,
          delta: part.delta,
          logprobs: [],
        });
        return;
      }
      case "refusal-delta": {
        if (part.delta === "") return;
        const open = openPart("refusal");
        if (open.part?.type === "refusal") open.part.refusal += part.delta;
        emit("response.refusal.delta", {
          item_id: open.item.id,
          output_index: open.index,
          content_index: open.item.content.length - 1,
          delta: part.delta,
        });
        return;
      }
      case "reasoning-delta": {
        if (part.delta === "") return;
        if (reasoning === undefined) {
          closeMessage();
          closeCalls();
          const id = output.length === 0 ? `rs_${stem}` : `rs_${stem}_${output.length}`;
          const item: ReasoningItem = { type: "reasoning", id, summary: [], status: "in_progress" };
          reasoning = { item, index: addItem(item) };
          const summary = { type: "summary_text" as const, text: "" };
          item.summary.push(summary);
          emit("response.reasoning_summary_part.added", {
            item_id: id,
            output_index: reasoning.index,
            summary_index: 0,
            part: summary,
          });
        }
        const summary = reasoning.item.summary[0];
        if (summary !== undefined) summary.text += part.delta;
        emit("response.reasoning_summary_text.delta", {
          item_id: reasoning.item.id,
          output_index: reasoning.index,
          summary_index: 0,
          delta: part.delta,
        });
        return;
      }
      case "tool-call-start": {
        closeAll();
        const item: CallItem = {
          type: "function_call",
          id: `fc_${stem}_${part.index}`,
          call_id: part.id,
          name: part.name,
          arguments: "",
          status: "in_progress",
        };
        calls.set(part.index, { item, index: addItem(item), open: true });
        return;
      }
      case "tool-call-delta": {
        const call = calls.get(part.index);
        if (call === undefined || part.argumentsDelta === "") return;
        call.item.arguments += part.argumentsDelta;
        emit("response.function_call_arguments.delta", {
          item_id: call.item.id,
          output_index: call.index,
          delta: part.argumentsDelta,
        });
        return;
      }
      case "finish":
        finishReason = part.finishReason;
        closeAll();
        return;
      case "usage":
        usage = part.usage;
        return;
      case "error":
        fail(part.error);
        return;
    }
  };

  const fail = (error: GatewayError): void => {
    if (ended) return;
    start();
    ended = true;
    emit("error", { code: error.code, message: error.message, param: error.param ?? null });
    emit("response.failed", { response: responseObject(identity, "failed", output, { error }) });
  };

  const take = (): string => {
    const written = text;
    text = "";
    return written;
  };

  return {
    encode(part: StreamPart): string {
      if (ended) return "";
      start();
      encodePart(part);
      return take();
    },
    end(): string {
      if (ended) return take();
      start();
      closeAll();
      ended = true;
      const status = incompleteReason(finishReason) === undefined ? "completed" : "incomplete";
      const response = responseObject(identity, status, output, {
        ...(usage === undefined ? {} : { usage }),
        ...(finishReason === undefined ? {} : { finishReason }),
        completedAt: options.nowSeconds(),
      });
      emit(status === "completed" ? "response.completed" : "response.incomplete", { response });
      options.onDone?.(response, output);
      return take();
    },
    error(error: GatewayError): string {
      fail(error);
      return take();
    },
  };
}
