import type { StreamDecoder, StreamPart } from "../../core/stream-part.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { createAnthropicStreamDecoder } from "../anthropic-messages/decode-stream.js";
import { streamExceptionError } from "../bedrock-converse/decode-error.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { isObject } from "../wire-json.js";

const none: readonly StreamPart[] = [];

/**
 * A decoder for one InvokeModelWithResponseStream answer from Claude: an AWS event stream whose `chunk`
 * events carry `{"bytes": "<base64>"}`, each the JSON of one Anthropic stream event (`message_start`…
 * `message_stop`, the last with Bedrock's `amazon-bedrock-invocationMetrics`, which is ignored). The
 * bytes are handed to Anthropic's own stream decoder, so the answer is decoded exactly as Anthropic's.
 * Exceptions (`throttlingException`, `modelStreamErrorException`…) become an `error` part with the code
 * the same exception has as an HTTP answer; other event types are ignored, as AWS's SDKs do.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ResponseStream.html
 */
export function createBedrockAnthropicStreamDecoder(): StreamDecoder<AwsEventStreamMessage> {
  const inner = createAnthropicStreamDecoder();
  let failed = false;

  const fail = (error: GatewayError): readonly StreamPart[] => {
    failed = true;
    return [{ type: "error", error }];
  };
  const watch = (parts: readonly StreamPart[]): readonly StreamPart[] => {
    if (parts.some((part) => part.type === "error")) failed = true;
    return parts;
  };

  const exception = (message: AwsEventStreamMessage): readonly StreamPart[] =>
    fail(streamExceptionError(message));

  const chunk = (payload: unknown): readonly StreamPart[] => {
    const bytes = isObject(payload) ? payload["bytes"] : undefined;
    if (typeof bytes !== "string") {
      return fail(
        new GatewayError("upstream_bad_response", "the upstream's chunk event carries no base64 `bytes`"),
      );
    }
    const data = Buffer.from(bytes, "base64").toString("utf8");
    return watch(inner.push({ data }));
  };

  return {
    push(message: AwsEventStreamMessage): readonly StreamPart[] {
      if (failed) return none;
      if (message.messageType === "exception" || message.messageType === "error") return exception(message);
      if (message.messageType !== "event" || message.eventType !== "chunk") return none;
      return chunk(message.payload);
    },
    end(): readonly StreamPart[] {
      return failed ? none : inner.end();
    },
  };
}
