import type { FinishReason } from "../../core/chat-result.js";
import type { StreamPart } from "../../core/stream-part.js";
import type { Usage } from "../../core/usage.js";
import type { GatewayError } from "../../errors/gateway-error.js";
import { messageId, stopReason } from "./encode-messages-response.js";
import { encodeError } from "./encode-error.js";
import { encodeUsage, unknownUsage, type AnthropicUsage } from "./usage.js";

export interface EventEncoderContext {
  /** The gateway's `msg_…` id, used unless the upstream gave an Anthropic-style id. */
  readonly id: string;
  readonly model: string;
  /** Put in the `error` event, as Anthropic does in its error bodies. */
  readonly requestId?: string;
  /**
   * The gateway's own count of the prompt's tokens, asked for only when the upstream reported none before
   * the first content (OpenAI-style and Bedrock upstreams report usage at the end).
   */
  readonly estimateInputTokens?: () => number;
}

export interface EventEncoder {
  /** One part → SSE text to write; `""` when the part produces nothing yet. */
  encode(part: StreamPart): string;
  /** The stream's end: the open block's stop, `message_delta` with the final usage, `message_stop`. */
  end(): string;
  /** An error after the stream began: one `event: error`, the last thing the client reads. */
  error(error: GatewayError): string;
}

type OpenBlock = { kind: "text" } | { kind: "thinking"; signed: boolean } | { kind: "tool"; call: number };

function event(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

/**
 * Canonical stream parts → Anthropic's named SSE events: `message_start`, `ping`, then per block
 * `content_block_start` / `content_block_delta`* / `content_block_stop`, then `message_delta` and
 * `message_stop`. Block indexes count every block of the answer; a part of another kind closes the
 * open block, since Anthropic never has two open at once.
 *
 * Usage reaches the canonical stream at its end (often after `finish`), so `message_start` reports the
 * best figure known by then — the upstream's start usage (Anthropic, Gemini), else the gateway's own count
 * of the prompt — and `message_delta` carries the final numbers, input and cache counts included, which
 * the official SDKs take over the start's.
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */
export function createEventEncoder(context: EventEncoderContext): EventEncoder {
  let id = context.id;
  let model = context.model;
  let started = false;
  let blocks = 0;
  let open: OpenBlock | undefined;
  /** Canonical tool-call index → its block index. */
  const toolBlocks = new Map<number, number>();
  let finish: FinishReason | undefined;
  let stopSequence: string | undefined;
  let usage: Usage | undefined;
  /** The upstream's usage at its stream's start, if it sent one. */
  let startUsage: Usage | undefined;
  /** Whether the answer was a refusal: Anthropic then ends it with `stop_reason: "refusal"`. */
  let refused = false;

  const start = (): string => {
    if (started) return "";
    started = true;
    const message = {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: startUsageOf(),
    };
    return (
      event("message_start", JSON.stringify({ type: "message_start", message })) +
      event("ping", '{"type":"ping"}')
    );
  };

  /** Anthropic clients read the input tokens here: the best figure known before any content. */
  const startUsageOf = (): AnthropicUsage => {
    const known = usage ?? startUsage;
    if (known !== undefined) return { ...encodeUsage(known), output_tokens: 0 };
    return { ...unknownUsage, input_tokens: estimate() };
  };

  let estimated: number | undefined;
  const estimate = (): number => {
    estimated ??= context.estimateInputTokens?.() ?? 0;
    return estimated;
  };

  const close = (): string => {
    if (open === undefined) return "";
    open = undefined;
    return event("content_block_stop", `{"type":"content_block_stop","index":${blocks - 1}}`);
  };

  /** Opens a block (closing the previous one) and returns the events that did it. */
  const openBlock = (block: OpenBlock, contentBlock: string): string => {
    const text = start() + close();
    open = block;
    blocks += 1;
    return (
      text +
      event(
        "content_block_start",
        `{"type":"content_block_start","index":${blocks - 1},"content_block":${contentBlock}}`,
      )
    );
  };

  const errorEvent = (error: GatewayError): string =>
    event("error", JSON.stringify(encodeError(error, context.requestId)));

  const delta = (index: number, body: string): string =>
    event("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":${body}}`);

  return {
    encode(part: StreamPart): string {
      switch (part.type) {
        case "response-metadata":
          if (started) return "";
          if (part.id !== undefined) id = messageId(part.id, id);
          if (part.model !== undefined) model = part.model;
          if (part.usage !== undefined) startUsage = part.usage;
          return "";
        case "text-delta": {
          if (part.delta === "") return "";
          const head = open?.kind === "text" ? "" : openBlock({ kind: "text" }, '{"type":"text","text":""}');
          return head + delta(blocks - 1, `{"type":"text_delta","text":${JSON.stringify(part.delta)}}`);
        }
        case "refusal-delta": {
          // Anthropic has no refusal block: a refusal's words are text, and the stop reason says refusal.
          if (part.delta === "") return "";
          refused = true;
          const head = open?.kind === "text" ? "" : openBlock({ kind: "text" }, '{"type":"text","text":""}');
          return head + delta(blocks - 1, `{"type":"text_delta","text":${JSON.stringify(part.delta)}}`);
        }
        case "reasoning-delta": {
          if (part.delta === "") return "";
          // A signed block is complete: more reasoning is the next block. Reasoning that is never signed
          // (a model other than Claude) keeps the empty signature it starts with.
          const head =
            open?.kind === "thinking" && !open.signed
              ? ""
              : openBlock(
                  { kind: "thinking", signed: false },
                  '{"type":"thinking","thinking":"","signature":""}',
                );
          return (
            head + delta(blocks - 1, `{"type":"thinking_delta","thinking":${JSON.stringify(part.delta)}}`)
          );
        }
        case "reasoning-signature": {
          // Anthropic sends the signature as the thinking block's last delta, right before its stop.
          const head =
            open?.kind === "thinking" && !open.signed
              ? ""
              : openBlock(
                  { kind: "thinking", signed: false },
                  '{"type":"thinking","thinking":"","signature":""}',
                );
          open = { kind: "thinking", signed: true };
          return (
            head +
            delta(blocks - 1, `{"type":"signature_delta","signature":${JSON.stringify(part.signature)}}`)
          );
        }
        case "reasoning-redacted": {
          const head = openBlock(
            { kind: "thinking", signed: true },
            `{"type":"redacted_thinking","data":${JSON.stringify(part.data)}}`,
          );
          return head + close();
        }
        case "tool-call-start": {
          const head = openBlock(
            { kind: "tool", call: part.index },
            `{"type":"tool_use","id":${JSON.stringify(part.id)},"name":${JSON.stringify(part.name)},"input":{}}`,
          );
          toolBlocks.set(part.index, blocks - 1);
          return head;
        }
        case "tool-call-delta": {
          const index = toolBlocks.get(part.index);
          // A delta for a call that never started has no block to go to (decoders always start calls).
          if (index === undefined || part.argumentsDelta === "") return "";
          // Arguments of an earlier call after a later one began (interleaved parallel calls, rare) go
          // to their own block's index: Anthropic's SDKs accumulate by index.
          return delta(
            index,
            `{"type":"input_json_delta","partial_json":${JSON.stringify(part.argumentsDelta)}}`,
          );
        }
        case "finish":
          finish = part.finishReason;
          stopSequence = part.stopSequence;
          return start() + close();
        case "usage":
          usage = part.usage;
          return "";
        case "error":
          return errorEvent(part.error);
      }
    },
    end(): string {
      const head = start() + close();
      const reason =
        finish === undefined
          ? null
          : refused && finish === "stop"
            ? "refusal"
            : stopReason(finish, stopSequence);
      const body = {
        type: "message_delta",
        delta: {
          stop_reason: reason,
          stop_sequence: reason === "stop_sequence" ? (stopSequence ?? null) : null,
        },
        // The upstream's final numbers; without any, the start's (the gateway's own count of the input).
        usage: usage === undefined ? startUsageOf() : encodeUsage(usage),
      };
      return (
        head + event("message_delta", JSON.stringify(body)) + event("message_stop", '{"type":"message_stop"}')
      );
    },
    error: errorEvent,
  };
}
