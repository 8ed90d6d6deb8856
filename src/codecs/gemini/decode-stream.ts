import type { ResponseMetadataPart, StreamDecoder, StreamPart } from "../../core/stream-part.js";
import type { Usage } from "../../core/usage.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { SseEvent } from "../framing/sse.js";
import { googleErrorCode, readGoogleError } from "./decode-error.js";
import { firstCandidate } from "./decode-response.js";
import { applyPartialArg } from "./partial-args.js";
import { packToolCallId } from "./tool-call-id.js";
import { createdSeconds, decodeFinishReason, decodeUsage, isObject, type JsonObject } from "./wire.js";

const none: readonly StreamPart[] = [];

/**
 * A decoder for one `streamGenerateContent?alt=sse` stream (Gemini API and Vertex AI).
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 *
 * Every chunk is a whole `GenerateContentResponse` holding only its new parts. Function calls arrive
 * whole in one chunk (a start and one delta each), except with Vertex's `streamFunctionCallArguments`,
 * where a call opens with its name, its arguments come as `partialArgs` and an empty `functionCall`
 * closes it: the start goes out with the name, the arguments as one delta when the call closes.
 * `usageMetadata` is a running total on many chunks: the last one is reported, after `finish`, when
 * the stream ends. The stream has no terminator; ending without a `finishReason` is a truncation.
 * It never throws: a fault becomes an `error` part, after which the decoder ignores everything.
 */
export function createGeminiStreamDecoder(): StreamDecoder<SseEvent> {
  let failed = false;
  let done = false;
  let finished = false;
  let metadataSent = false;
  let responseId: string | undefined;
  let usage: Usage | undefined;
  /** Whether any content (text, reasoning, a call) was streamed. */
  let content = false;
  let calls = 0;
  /** The call whose arguments are still arriving as `partialArgs`. */
  let partial: { index: number; args: JsonObject } | undefined;

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };

  const closePartial = (parts: StreamPart[]): void => {
    if (partial === undefined) return;
    parts.push({
      type: "tool-call-delta",
      index: partial.index,
      argumentsDelta: JSON.stringify(partial.args),
    });
    partial = undefined;
  };

  const functionCall = (
    call: JsonObject,
    part: JsonObject,
    parts: StreamPart[],
  ): GatewayError | undefined => {
    if (partial !== undefined) {
      if (Array.isArray(call["partialArgs"]))
        for (const piece of call["partialArgs"] as unknown[]) applyPartialArg(partial.args, piece);
      if (call["willContinue"] !== true) closePartial(parts);
      return undefined;
    }
    const name = call["name"];
    // A closing `functionCall: {}` with no call open carries nothing.
    if (typeof name !== "string" || name === "") {
      return Object.keys(call).length === 0
        ? undefined
        : new GatewayError("upstream_bad_response", `function call ${calls} has no name`);
    }
    const signature = typeof part["thoughtSignature"] === "string" ? part["thoughtSignature"] : undefined;
    const index = calls;
    calls += 1;
    content = true;
    parts.push({ type: "tool-call-start", index, id: packToolCallId(responseId, index, signature), name });
    if (call["willContinue"] === true) {
      partial = { index, args: isObject(call["args"]) ? { ...call["args"] } : {} };
      if (Array.isArray(call["partialArgs"]))
        for (const piece of call["partialArgs"] as unknown[]) applyPartialArg(partial.args, piece);
    } else {
      const args = isObject(call["args"]) ? call["args"] : {};
      parts.push({ type: "tool-call-delta", index, argumentsDelta: JSON.stringify(args) });
    }
    return undefined;
  };

  const chunk = (body: JsonObject): readonly StreamPart[] => {
    const wireError = readGoogleError(body);
    if (wireError !== undefined) {
      const code = googleErrorCode(wireError, wireError.httpCode ?? 500);
      return fail(
        new GatewayError(
          code === "upstream_bad_response" ? "upstream_stream_error" : code,
          wireError.message ?? "the upstream reported an error inside the stream",
        ),
      );
    }
    const parts: StreamPart[] = [];
    if (!metadataSent) {
      metadataSent = true;
      if (typeof body["responseId"] === "string" && body["responseId"] !== "")
        responseId = body["responseId"];
      const metadata: { -readonly [K in keyof ResponseMetadataPart]: ResponseMetadataPart[K] } = {
        type: "response-metadata",
      };
      if (responseId !== undefined) metadata.id = responseId;
      if (typeof body["modelVersion"] === "string" && body["modelVersion"] !== "")
        metadata.model = body["modelVersion"];
      const created = createdSeconds(body["createTime"]);
      if (created !== undefined) metadata.created = created;
      const startUsage = decodeUsage(body["usageMetadata"]);
      if (startUsage !== undefined) metadata.usage = startUsage;
      parts.push(metadata);
    }
    const chunkUsage = decodeUsage(body["usageMetadata"]);
    if (chunkUsage !== undefined) usage = chunkUsage;
    const candidate = firstCandidate(body);
    if (candidate instanceof GatewayError) {
      // A refused prompt comes before anything was said: an error. (Gemini never sends it after content;
      // should it, the answer was cut short.) A withheld candidate is a plain finish, below.
      if (!content) {
        failed = true;
        parts.push({ type: "error", error: candidate });
        return parts;
      }
      closePartial(parts);
      finished = true;
      parts.push({ type: "finish", finishReason: "content_filter" });
      return parts;
    }
    if (candidate === undefined) return parts;
    const contentObject = candidate["content"];
    const wireParts =
      isObject(contentObject) && Array.isArray(contentObject["parts"])
        ? (contentObject["parts"] as unknown[])
        : [];
    for (const part of wireParts) {
      if (!isObject(part)) continue;
      const call = part["functionCall"];
      if (isObject(call)) {
        const error = functionCall(call, part, parts);
        if (error !== undefined) {
          failed = true;
          parts.push({ type: "error", error });
          return parts;
        }
      } else if (typeof part["text"] === "string" && part["text"] !== "") {
        content = true;
        parts.push({
          type: part["thought"] === true ? "reasoning-delta" : "text-delta",
          delta: part["text"],
        });
      }
    }
    const reason = candidate["finishReason"];
    if (typeof reason === "string" && reason !== "" && !finished) {
      closePartial(parts);
      finished = true;
      parts.push({ type: "finish", finishReason: decodeFinishReason(reason, calls > 0) });
    }
    return parts;
  };

  return {
    push(event: SseEvent): readonly StreamPart[] {
      if (done || failed) return none;
      if (event.data === "") return none;
      let body: unknown;
      try {
        body = JSON.parse(event.data) as unknown;
      } catch {
        return fail(new GatewayError("upstream_bad_response", "the upstream sent an event that is not JSON"));
      }
      if (!isObject(body))
        return fail(
          new GatewayError("upstream_bad_response", "the upstream sent an event that is not a JSON object"),
        );
      return chunk(body);
    },

    end(): readonly StreamPart[] {
      if (done || failed) return none;
      done = true;
      if (!finished) {
        failed = true;
        return [
          {
            type: "error",
            error: new GatewayError(
              "upstream_stream_truncated",
              "the upstream stream ended before the answer finished",
            ),
          },
        ];
      }
      return usage === undefined ? none : [{ type: "usage", usage }];
    },
  };
}
