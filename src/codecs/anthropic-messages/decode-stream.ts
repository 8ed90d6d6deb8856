import type { ResponseMetadataPart, StreamDecoder, StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { ANTHROPIC_ISSUER } from "./decode-response.js";
import type { SseEvent } from "../framing/sse.js";
import {
  codeForErrorType,
  decodeStopReason,
  isObject,
  readUsage,
  readWireError,
  toUsage,
  type JsonObject,
  type WireUsage,
} from "./wire.js";

const none: readonly StreamPart[] = [];

/** What an open content block turns into; `other` blocks (server tools, redacted thinking) are skipped. */
type Block =
  | { kind: "text" }
  | { kind: "thinking" }
  | { kind: "tool"; index: number; sentArguments: boolean; prefilled: boolean }
  | { kind: "other" };

/**
 * A decoder for one Anthropic Messages stream: named SSE events whose JSON `type` equals the name.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 *
 * - `message_start` gives the id, model and the input side of usage; `message_delta` carries the stop
 *   reason and cumulative usage (the final numbers); `finish` and `usage` are emitted at `message_stop`,
 *   Anthropic's terminator: a stream that ends before it was truncated, whatever it carried.
 * - Tool calls are numbered among tool calls (0, 1, …), not by Anthropic's block index.
 * - `signature_delta` closes its thinking block as a `reasoning-signature` part; a `redacted_thinking`
 *   block arrives whole at its start and becomes one `reasoning-redacted` part.
 * - `ping`, `citations_delta` and event types this decoder does not know are ignored:
 *   Anthropic's versioning policy allows new event types at any time.
 * - It never throws: an `error` event, invalid JSON or truncation become one `error` part, after which
 *   the decoder ignores everything.
 */
export function createAnthropicStreamDecoder(): StreamDecoder<SseEvent> {
  let done = false;
  let failed = false;
  let stopReason: unknown = undefined;
  let stopSequence: string | undefined;
  let toolCount = 0;
  const usage: WireUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let usageSeen = false;
  const blocks = new Map<number, Block>();

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };
  const bad = (message: string) => fail(new GatewayError("upstream_bad_response", message));

  const messageStart = (body: JsonObject): readonly StreamPart[] => {
    const message = isObject(body["message"]) ? body["message"] : {};
    if (readUsage(message["usage"], usage)) usageSeen = true;
    const metadata: { -readonly [K in keyof ResponseMetadataPart]: ResponseMetadataPart[K] } = {
      type: "response-metadata",
    };
    if (typeof message["id"] === "string" && message["id"] !== "") metadata.id = message["id"];
    if (typeof message["model"] === "string" && message["model"] !== "") metadata.model = message["model"];
    if (usageSeen) metadata.usage = toUsage(usage);
    return [metadata];
  };

  const blockStart = (body: JsonObject): readonly StreamPart[] => {
    const index = body["index"];
    const block = body["content_block"];
    if (typeof index !== "number" || !isObject(block))
      return bad("content_block_start without index or block");
    switch (block["type"]) {
      case "text": {
        blocks.set(index, { kind: "text" });
        const text = block["text"];
        return typeof text === "string" && text !== "" ? [{ type: "text-delta", delta: text }] : none;
      }
      case "thinking": {
        blocks.set(index, { kind: "thinking" });
        const thinking = block["thinking"];
        return typeof thinking === "string" && thinking !== ""
          ? [{ type: "reasoning-delta", delta: thinking }]
          : none;
      }
      case "tool_use": {
        const { id, name, input } = block;
        if (typeof id !== "string" || typeof name !== "string" || name === "") {
          return bad(`tool_use block ${index} started without an id or name`);
        }
        const tool = { kind: "tool", index: toolCount, sentArguments: false, prefilled: false } as const;
        toolCount += 1;
        const parts: StreamPart[] = [{ type: "tool-call-start", index: tool.index, id, name }];
        // Anthropic starts with `input: {}` and streams the JSON; a proxy that sends the whole input
        // up front (and no deltas) is honoured, and later deltas for that block are then ignored.
        const prefilled = isObject(input) && Object.keys(input).length > 0;
        if (prefilled)
          parts.push({ type: "tool-call-delta", index: tool.index, argumentsDelta: JSON.stringify(input) });
        blocks.set(index, { ...tool, sentArguments: prefilled, prefilled });
        return parts;
      }
      case "redacted_thinking": {
        blocks.set(index, { kind: "other" });
        const data = block["data"];
        return typeof data === "string" && data !== ""
          ? [{ type: "reasoning-redacted", data, issuer: ANTHROPIC_ISSUER }]
          : none;
      }
      default:
        blocks.set(index, { kind: "other" });
        return none;
    }
  };

  const blockDelta = (body: JsonObject): readonly StreamPart[] => {
    const delta = body["delta"];
    if (!isObject(delta)) return bad("content_block_delta without a delta");
    const block = typeof body["index"] === "number" ? blocks.get(body["index"]) : undefined;
    switch (delta["type"]) {
      case "text_delta": {
        const text = delta["text"];
        return typeof text === "string" && text !== "" ? [{ type: "text-delta", delta: text }] : none;
      }
      case "thinking_delta": {
        const thinking = delta["thinking"];
        return typeof thinking === "string" && thinking !== ""
          ? [{ type: "reasoning-delta", delta: thinking }]
          : none;
      }
      case "signature_delta": {
        const signature = delta["signature"];
        if (block?.kind !== "thinking" || typeof signature !== "string" || signature === "") return none;
        return [{ type: "reasoning-signature", signature, issuer: ANTHROPIC_ISSUER }];
      }
      case "input_json_delta": {
        if (block?.kind === "other") return none;
        if (block?.kind !== "tool") return bad("input_json_delta for a block that is not an open tool_use");
        const json = delta["partial_json"];
        if (block.prefilled || typeof json !== "string" || json === "") return none;
        block.sentArguments = true;
        return [{ type: "tool-call-delta", index: block.index, argumentsDelta: json }];
      }
      default:
        return none;
    }
  };

  const blockStop = (body: JsonObject): readonly StreamPart[] => {
    const block = typeof body["index"] === "number" ? blocks.get(body["index"]) : undefined;
    // A tool without parameters streams no JSON at all; `{}` is what the non-streamed answer holds.
    if (block?.kind === "tool" && !block.sentArguments) {
      block.sentArguments = true;
      return [{ type: "tool-call-delta", index: block.index, argumentsDelta: "{}" }];
    }
    return none;
  };

  const messageDelta = (body: JsonObject): readonly StreamPart[] => {
    const delta = body["delta"];
    if (isObject(delta)) {
      if (delta["stop_reason"] !== undefined && delta["stop_reason"] !== null)
        stopReason = delta["stop_reason"];
      if (typeof delta["stop_sequence"] === "string") stopSequence = delta["stop_sequence"];
    }
    if (readUsage(body["usage"], usage)) usageSeen = true;
    return none;
  };

  const messageStop = (): readonly StreamPart[] => {
    done = true;
    const finishReason = decodeStopReason(stopReason, toolCount > 0);
    const parts: StreamPart[] = [
      stopSequence === undefined
        ? { type: "finish", finishReason }
        : { type: "finish", finishReason, stopSequence },
    ];
    if (usageSeen) parts.push({ type: "usage", usage: toUsage(usage) });
    return parts;
  };

  const streamError = (body: JsonObject): readonly StreamPart[] => {
    const wire = readWireError(body);
    return fail(
      new GatewayError(
        codeForErrorType(wire?.type) ?? "upstream_stream_error",
        wire?.message ?? "the upstream reported an error inside the stream",
      ),
    );
  };

  return {
    push(event: SseEvent): readonly StreamPart[] {
      if (done || failed) return none;
      const data = event.data;
      let body: unknown;
      try {
        body = data === "" ? undefined : (JSON.parse(data) as unknown);
      } catch {
        if (event.event === "error") return streamError({ error: { message: data } });
        return bad("the upstream sent an event that is not JSON");
      }
      if (body === undefined) return none;
      if (!isObject(body)) return bad("the upstream sent an event that is not a JSON object");
      // The JSON `type` names the event (recordings drop the `event:` line); the SSE name is the fallback.
      const type = typeof body["type"] === "string" ? body["type"] : event.event;
      switch (type) {
        case "message_start":
          return messageStart(body);
        case "content_block_start":
          return blockStart(body);
        case "content_block_delta":
          return blockDelta(body);
        case "content_block_stop":
          return blockStop(body);
        case "message_delta":
          return messageDelta(body);
        case "message_stop":
          return messageStop();
        case "error":
          return streamError(body);
        default:
          return none;
      }
    },

    end(): readonly StreamPart[] {
      if (done || failed) return none;
      return fail(
        new GatewayError(
          "upstream_stream_truncated",
          "the upstream stream ended before its message_stop event",
        ),
      );
    },
  };
}
