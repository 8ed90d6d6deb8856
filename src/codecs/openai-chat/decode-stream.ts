import type { ResponseMetadataPart, StreamDecoder, StreamPart } from "../../core/stream-part.js";
import type { Usage } from "../../core/usage.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { SseEvent } from "../framing/sse.js";
import { decodeFinishReason, decodeUsage, isObject, readWireError, type JsonObject } from "./wire.js";

const none: readonly StreamPart[] = [];

/**
 * A decoder for one `chat.completion.chunk` stream (OpenAI, Azure, OpenAI-compatible servers).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 *
 * Only choice 0 is read: the ingress accepts `n: 1` only. The usage chunk is held back and
 * delivered once, at `[DONE]` (or at the end of a stream that finished but omitted `[DONE]`),
 * because some compatible servers repeat a cumulative `usage` on many chunks.
 * It never throws: a fault becomes an `error` part, after which the decoder ignores everything.
 */
export function createOpenAIStreamDecoder(): StreamDecoder<SseEvent> {
  let done = false;
  let failed = false;
  let finished = false;
  let metadataSent = false;
  let usage: Usage | undefined;
  let responseId = "";
  /** Tool calls opened so far, by their wire index. */
  const openCalls = new Set<number>();

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };

  const complete = (): StreamPart[] => {
    done = true;
    const parts: StreamPart[] = [];
    // A server that sent [DONE] without a finish_reason still ended its answer.
    if (!finished) {
      finished = true;
      parts.push({ type: "finish", finishReason: openCalls.size > 0 ? "tool_calls" : "stop" });
    }
    if (usage !== undefined) parts.push({ type: "usage", usage });
    return parts;
  };

  const toolCalls = (calls: unknown[], parts: StreamPart[]): GatewayError | undefined => {
    for (const call of calls) {
      if (!isObject(call)) continue;
      const index = typeof call["index"] === "number" ? call["index"] : openCalls.size;
      const fn = isObject(call["function"]) ? call["function"] : undefined;
      const args = fn !== undefined && typeof fn["arguments"] === "string" ? fn["arguments"] : "";
      if (!openCalls.has(index)) {
        const name = fn?.["name"];
        if (typeof name !== "string" || name === "") {
          return new GatewayError(
            "upstream_bad_response",
            `tool call ${index} started without a function name`,
          );
        }
        // Some compatible servers omit the id; a stable one keeps the answer usable.
        const id =
          typeof call["id"] === "string" && call["id"] !== "" ? call["id"] : `call_${responseId}_${index}`;
        openCalls.add(index);
        parts.push({ type: "tool-call-start", index, id, name });
      }
      if (args !== "") parts.push({ type: "tool-call-delta", index, argumentsDelta: args });
    }
    return undefined;
  };

  const chunk = (body: JsonObject): readonly StreamPart[] => {
    if (body["error"] !== undefined && body["error"] !== null) return streamError(body);
    const parts: StreamPart[] = [];
    if (!metadataSent) {
      const id = typeof body["id"] === "string" ? body["id"] : "";
      const model = typeof body["model"] === "string" ? body["model"] : "";
      // Azure's prompt-filter preamble has an empty id and model: wait for the real first chunk.
      if (id !== "" || model !== "") {
        metadataSent = true;
        responseId = id;
        const metadata: { -readonly [K in keyof ResponseMetadataPart]: ResponseMetadataPart[K] } = {
          type: "response-metadata",
        };
        if (id !== "") metadata.id = id;
        if (model !== "") metadata.model = model;
        if (typeof body["created"] === "number" && body["created"] > 0) metadata.created = body["created"];
        parts.push(metadata);
      }
    }
    const choices = body["choices"];
    const choice = Array.isArray(choices) ? (choices as unknown[]).find(isFirstChoice) : undefined;
    if (isObject(choice)) {
      const delta = choice["delta"];
      // Azure's asynchronous filter sends choices with no delta, only content_filter_offsets.
      if (isObject(delta)) {
        const reasoning = delta["reasoning_content"] ?? delta["reasoning"];
        if (typeof reasoning === "string" && reasoning !== "")
          parts.push({ type: "reasoning-delta", delta: reasoning });
        const content = delta["content"];
        if (typeof content === "string" && content !== "") parts.push({ type: "text-delta", delta: content });
        const refusal = delta["refusal"];
        if (typeof refusal === "string" && refusal !== "")
          parts.push({ type: "refusal-delta", delta: refusal });
        const calls = delta["tool_calls"];
        if (Array.isArray(calls)) {
          const error = toolCalls(calls, parts);
          if (error !== undefined) {
            failed = true;
            parts.push({ type: "error", error });
            return parts;
          }
        }
      }
      const reason = choice["finish_reason"];
      if (reason !== null && reason !== undefined && !finished) {
        finished = true;
        parts.push({ type: "finish", finishReason: decodeFinishReason(reason, openCalls.size > 0) });
      }
    }
    const chunkUsage = decodeUsage(body["usage"]);
    if (chunkUsage !== undefined) usage = chunkUsage;
    return parts;
  };

  return {
    push(event: SseEvent): readonly StreamPart[] {
      if (done || failed) return none;
      const data = event.data;
      if (data === "[DONE]") return complete();
      if (event.event === "error") {
        let body: unknown;
        try {
          body = JSON.parse(data) as unknown;
        } catch {
          body = { error: { message: data } };
        }
        return streamError(isObject(body) ? body : {});
      }
      if (data === "") return none;
      let body: unknown;
      try {
        body = JSON.parse(data) as unknown;
      } catch {
        return fail(new GatewayError("upstream_bad_response", "the upstream sent an event that is not JSON"));
      }
      if (!isObject(body)) {
        return fail(
          new GatewayError("upstream_bad_response", "the upstream sent an event that is not a JSON object"),
        );
      }
      return chunk(body);
    },

    end(): readonly StreamPart[] {
      if (done || failed) return none;
      if (finished) {
        done = true;
        return usage === undefined ? none : [{ type: "usage", usage }];
      }
      return fail(
        new GatewayError("upstream_stream_truncated", "the upstream stream ended before the answer finished"),
      );
    },
  };

  function streamError(body: JsonObject): readonly StreamPart[] {
    const wire = readWireError(body);
    const message = wire?.message ?? "the upstream reported an error inside the stream";
    return fail(
      new GatewayError(
        "upstream_stream_error",
        message,
        wire?.param === undefined ? {} : { param: wire.param },
      ),
    );
  }
}

function isFirstChoice(choice: unknown): boolean {
  return isObject(choice) && (choice["index"] === 0 || choice["index"] === undefined);
}
