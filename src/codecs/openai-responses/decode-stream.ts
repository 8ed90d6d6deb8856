import type { ResponseMetadataPart, StreamDecoder, StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { SseEvent } from "../framing/sse.js";
import {
  codeForResponseError,
  decodeFinish,
  decodeUsage,
  isObject,
  messageTexts,
  reasoningText,
  type JsonObject,
} from "./wire.js";

const none: readonly StreamPart[] = [];

/** A function call of the stream: its canonical index, and whether any of its arguments came yet. */
interface OpenCall {
  readonly index: number;
  argumentsSeen: boolean;
}

/**
 * A decoder for one Responses API event stream (OpenAI, Azure's v1 route).
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 *
 * Events are told apart by their JSON `type` (the SSE `event:` line says the same; it is the fallback).
 * `response.created` gives the metadata; `response.output_text.delta`, `response.refusal.delta`,
 * `response.reasoning_summary_text.delta` / `response.reasoning_text.delta` and
 * `response.function_call_arguments.delta` the content; a `function_call` item's `output_item.added`
 * opens a tool call (numbered in the order calls open, whatever their `output_index`). The stream ends
 * with `response.completed` or `response.incomplete` (finish and usage), or fails with
 * `response.failed` or an `error` event. An item whose deltas never came (a server that sends only the
 * `.done` events) is read whole from its `output_item.done`, so nothing is lost and nothing doubled.
 * It never throws: a fault becomes one `error` part, after which the decoder ignores everything.
 */
export function createOpenAIResponsesStreamDecoder(): StreamDecoder<SseEvent> {
  let done = false;
  let failed = false;
  let metadataSent = false;
  /** Function calls by their `output_index`. */
  const calls = new Map<number, OpenCall>();
  /** `output_index`es of message and reasoning items whose deltas arrived. */
  const streamedItems = new Set<number>();

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };
  const bad = (message: string): readonly StreamPart[] =>
    fail(new GatewayError("upstream_bad_response", message));

  const metadata = (response: unknown): readonly StreamPart[] => {
    if (metadataSent || !isObject(response)) return none;
    metadataSent = true;
    const part: { -readonly [K in keyof ResponseMetadataPart]: ResponseMetadataPart[K] } = {
      type: "response-metadata",
    };
    if (typeof response["id"] === "string" && response["id"] !== "") part.id = response["id"];
    if (typeof response["model"] === "string" && response["model"] !== "") part.model = response["model"];
    const created = response["created_at"];
    if (typeof created === "number" && created > 0) part.created = created;
    return [part];
  };

  const outputIndex = (body: JsonObject): number =>
    typeof body["output_index"] === "number" ? body["output_index"] : -1;

  const openCall = (item: JsonObject, at: number, parts: StreamPart[]): OpenCall | GatewayError => {
    const known = calls.get(at);
    if (known !== undefined) return known;
    const name = item["name"];
    if (typeof name !== "string" || name === "")
      return new GatewayError("upstream_bad_response", `function call ${at} started without a name`);
    const callId = item["call_id"];
    const call: OpenCall = { index: calls.size, argumentsSeen: false };
    calls.set(at, call);
    parts.push({
      type: "tool-call-start",
      index: call.index,
      id: typeof callId === "string" && callId !== "" ? callId : `call_${at}`,
      name,
    });
    return call;
  };

  const itemAdded = (body: JsonObject): readonly StreamPart[] => {
    const item = body["item"];
    if (!isObject(item) || item["type"] !== "function_call") return none;
    const parts: StreamPart[] = [];
    const call = openCall(item, outputIndex(body), parts);
    if (call instanceof GatewayError) return fail(call);
    const args = item["arguments"];
    if (typeof args === "string" && args !== "") {
      call.argumentsSeen = true;
      parts.push({ type: "tool-call-delta", index: call.index, argumentsDelta: args });
    }
    return parts;
  };

  /** An item's end: whatever of it no delta carried. */
  const itemDone = (body: JsonObject): readonly StreamPart[] => {
    const item = body["item"];
    if (!isObject(item)) return none;
    const at = outputIndex(body);
    const parts: StreamPart[] = [];
    switch (item["type"]) {
      case "function_call": {
        const call = openCall(item, at, parts);
        if (call instanceof GatewayError) return fail(call);
        const args = item["arguments"];
        if (!call.argumentsSeen && typeof args === "string" && args !== "")
          parts.push({ type: "tool-call-delta", index: call.index, argumentsDelta: args });
        call.argumentsSeen = true;
        return parts;
      }
      case "message": {
        if (streamedItems.has(at)) return none;
        const { text, refusal } = messageTexts(item);
        if (text !== "") parts.push({ type: "text-delta", delta: text });
        if (refusal !== "") parts.push({ type: "refusal-delta", delta: refusal });
        return parts;
      }
      case "reasoning": {
        if (streamedItems.has(at)) return none;
        const text = reasoningText(item);
        return text === "" ? none : [{ type: "reasoning-delta", delta: text }];
      }
      default:
        return none;
    }
  };

  const argumentsDelta = (body: JsonObject): readonly StreamPart[] => {
    const call = calls.get(outputIndex(body));
    const delta = body["delta"];
    if (call === undefined)
      return bad(`arguments arrived for output ${outputIndex(body)}, which is not an open function call`);
    if (typeof delta !== "string" || delta === "") return none;
    call.argumentsSeen = true;
    return [{ type: "tool-call-delta", index: call.index, argumentsDelta: delta }];
  };

  const contentDelta = (body: JsonObject, type: "text-delta" | "refusal-delta" | "reasoning-delta") => {
    const delta = body["delta"];
    if (typeof delta !== "string" || delta === "") return none;
    streamedItems.add(outputIndex(body));
    return [{ type, delta }];
  };

  const finish = (body: JsonObject): readonly StreamPart[] => {
    const response = body["response"];
    if (!isObject(response)) return bad("the upstream's final event has no response");
    const finishReason = decodeFinish(response, calls.size > 0);
    if (finishReason === undefined) return bad("the upstream's final event has no final status");
    done = true;
    const parts: StreamPart[] = [...metadata(response), { type: "finish", finishReason }];
    const usage = decodeUsage(response["usage"]);
    if (usage !== undefined) parts.push({ type: "usage", usage });
    return parts;
  };

  const responseFailed = (body: JsonObject): readonly StreamPart[] => {
    const response = isObject(body["response"]) ? body["response"] : {};
    const error = isObject(response["error"]) ? response["error"] : {};
    const message = typeof error["message"] === "string" ? error["message"] : "the upstream response failed";
    return fail(new GatewayError(codeForResponseError(error["code"]), message));
  };

  const errorEvent = (body: JsonObject): readonly StreamPart[] => {
    // OpenAI's `error` event is flat ({code, message, param}); some servers nest it under `error`.
    const source = isObject(body["error"]) ? body["error"] : body;
    const message =
      typeof source["message"] === "string" && source["message"] !== ""
        ? source["message"]
        : "the upstream reported an error inside the stream";
    const param = source["param"];
    return fail(
      new GatewayError(
        codeForResponseError(source["code"] ?? source["type"]),
        message,
        typeof param === "string" && param !== "" ? { param } : {},
      ),
    );
  };

  return {
    push(event: SseEvent): readonly StreamPart[] {
      if (done || failed) return none;
      const data = event.data;
      if (data === "" || data === "[DONE]") return none;
      let body: unknown;
      try {
        body = JSON.parse(data) as unknown;
      } catch {
        if (event.event === "error") return errorEvent({ message: data });
        return bad("the upstream sent an event that is not JSON");
      }
      if (!isObject(body)) return bad("the upstream sent an event that is not a JSON object");
      const type = typeof body["type"] === "string" ? body["type"] : event.event;
      switch (type) {
        case "response.created":
        case "response.in_progress":
        case "response.queued":
          return metadata(body["response"]);
        case "response.output_item.added":
          return itemAdded(body);
        case "response.output_item.done":
          return itemDone(body);
        case "response.output_text.delta":
          return contentDelta(body, "text-delta");
        case "response.refusal.delta":
          return contentDelta(body, "refusal-delta");
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          return contentDelta(body, "reasoning-delta");
        case "response.function_call_arguments.delta":
          return argumentsDelta(body);
        case "response.completed":
        case "response.incomplete":
          return finish(body);
        case "response.failed":
          return responseFailed(body);
        case "error":
          return errorEvent(body);
        default:
          return none;
      }
    },

    end(): readonly StreamPart[] {
      if (done || failed) return none;
      return fail(
        new GatewayError(
          "upstream_stream_truncated",
          "the upstream stream ended before its response.completed event",
        ),
      );
    },
  };
}
