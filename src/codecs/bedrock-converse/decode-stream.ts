import type { FinishReason } from "../../core/chat-result.js";
import type { StreamDecoder, StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { streamExceptionError } from "./decode-error.js";
import {
  converseIssuer,
  decodeStopReason,
  decodeUsage,
  isObject,
  readStopSequence,
  type JsonObject,
} from "./wire.js";

const none: readonly StreamPart[] = [];

/**
 * A decoder for one ConverseStream answer.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 *
 * Text blocks usually have no `contentBlockStart`; tool blocks open with one (id and name) and their input
 * arrives as JSON text fragments. Tool calls are numbered in order of appearance, whatever their block index.
 * `finish` is emitted at `messageStop`, `usage` at the trailing `metadata` event.
 * Exception messages (`throttlingException`, `modelStreamErrorException`…) and unmodeled `error` messages
 * become an `error` part with the code the same exception has as an HTTP answer.
 * Unknown event types and unknown members are ignored: AWS adds events (citations, images) that carry
 * nothing canonical, and ignoring them is what its own SDKs do.
 * It never throws: a fault becomes an `error` part, after which the decoder ignores everything.
 */
export function createBedrockStreamDecoder(): StreamDecoder<AwsEventStreamMessage> {
  let failed = false;
  let finished = false;
  let usageSent = false;
  /** Tool calls by their content block index → their canonical index. */
  const toolBlocks = new Map<number, number>();

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };
  const malformed = (message: string): readonly StreamPart[] =>
    fail(new GatewayError("upstream_bad_response", `the upstream's ConverseStream is malformed: ${message}`));

  const blockStart = (payload: JsonObject): readonly StreamPart[] => {
    const start = payload["start"];
    const toolUse = isObject(start) ? start["toolUse"] : undefined;
    if (!isObject(toolUse)) return none;
    const block = payload["contentBlockIndex"];
    const { toolUseId, name } = toolUse;
    if (
      typeof block !== "number" ||
      typeof toolUseId !== "string" ||
      typeof name !== "string" ||
      name === ""
    ) {
      return malformed("a toolUse block started without its index, id or name");
    }
    const index = toolBlocks.size;
    toolBlocks.set(block, index);
    return [{ type: "tool-call-start", index, id: toolUseId, name }];
  };

  const blockDelta = (payload: JsonObject): readonly StreamPart[] => {
    const delta = payload["delta"];
    if (!isObject(delta)) return none;
    const text = delta["text"];
    if (typeof text === "string") return text === "" ? none : [{ type: "text-delta", delta: text }];
    const toolUse = delta["toolUse"];
    if (isObject(toolUse)) {
      const index = toolBlocks.get(payload["contentBlockIndex"] as number);
      if (index === undefined) return malformed("a toolUse delta arrived for a block that was not started");
      const input = toolUse["input"];
      return typeof input === "string" && input !== ""
        ? [{ type: "tool-call-delta", index, argumentsDelta: input }]
        : none;
    }
    const reasoning = delta["reasoningContent"];
    if (isObject(reasoning)) {
      const { text, signature, redactedContent } = reasoning;
      if (typeof text === "string") return text === "" ? none : [{ type: "reasoning-delta", delta: text }];
      // The signature closes the block's reasoning; redacted reasoning arrives whole.
      if (typeof signature === "string" && signature !== "") {
        return [{ type: "reasoning-signature", signature, issuer: converseIssuer(true) }];
      }
      if (typeof redactedContent === "string" && redactedContent !== "") {
        return [{ type: "reasoning-redacted", data: redactedContent, issuer: converseIssuer(true) }];
      }
    }
    // Citations and later delta kinds: opaque to the canonical stream.
    return none;
  };

  const messageStop = (payload: JsonObject): readonly StreamPart[] => {
    if (finished) return none;
    finished = true;
    const finishReason: FinishReason = decodeStopReason(payload["stopReason"], toolBlocks.size > 0);
    const stopSequence = readStopSequence(payload["additionalModelResponseFields"]);
    return [
      stopSequence === undefined
        ? { type: "finish", finishReason }
        : { type: "finish", finishReason, stopSequence },
    ];
  };

  const metadata = (payload: JsonObject): readonly StreamPart[] => {
    const usage = decodeUsage(payload["usage"]);
    if (usage === undefined || usageSent) return none;
    usageSent = true;
    return [{ type: "usage", usage }];
  };

  const exception = (message: AwsEventStreamMessage): readonly StreamPart[] =>
    fail(streamExceptionError(message));

  return {
    push(message: AwsEventStreamMessage): readonly StreamPart[] {
      if (failed) return none;
      if (message.messageType === "exception" || message.messageType === "error") return exception(message);
      if (message.messageType !== "event") return none;
      const payload = message.payload;
      if (!isObject(payload))
        return malformed(`the ${message.eventType ?? "unnamed"} event is not a JSON object`);
      switch (message.eventType) {
        case "contentBlockStart":
          return blockStart(payload);
        case "contentBlockDelta":
          return blockDelta(payload);
        case "messageStop":
          return messageStop(payload);
        case "metadata":
          return metadata(payload);
        default:
          // messageStart, contentBlockStop and event types added later carry no canonical part.
          return none;
      }
    },

    end(): readonly StreamPart[] {
      if (failed || finished) return none;
      return fail(
        new GatewayError("upstream_stream_truncated", "the upstream stream ended before the answer finished"),
      );
    },
  };
}
