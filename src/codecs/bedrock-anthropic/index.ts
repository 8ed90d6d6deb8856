import type { ChatCodec, FrameLimits, InputLimits } from "../codec.js";
import { decodeAnthropicMessagesResponse } from "../anthropic-messages/decode-response.js";
import { decodeBedrockError } from "../bedrock-converse/decode-error.js";
import { AwsEventStreamParser, type AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { createBedrockAnthropicStreamDecoder } from "./decode-stream.js";
import { encodeBedrockAnthropicRequest } from "./encode-request.js";

/**
 * The `bedrock-anthropic` dialect: Claude on Bedrock through InvokeModel / InvokeModelWithResponseStream
 * (offerings with `api: invoke`). Anthropic's Messages body and events in Bedrock's envelope: the body
 * and events are the `anthropic-messages` codec's, the framing (AWS event stream) and the error shapes
 * are Bedrock's.
 */
/** Bedrock's Claude takes base64 image and document sources only: it fetches no links. */
const INPUT_LIMITS: InputLimits = Object.freeze({
  rejectedImageSources: {
    url: "Claude on Bedrock (InvokeModel) accepts images only as base64 data: send the image as a data: URL, not a link",
  },
  rejectedDocumentSources: {
    url: "Claude on Bedrock (InvokeModel) accepts documents only as base64 or text sources, not links",
  },
});

export const bedrockAnthropicCodec: ChatCodec<AwsEventStreamMessage> = Object.freeze({
  dialect: "bedrock-anthropic",
  inputLimits: INPUT_LIMITS,
  encodeChatRequest: encodeBedrockAnthropicRequest,
  // The non-streamed InvokeModel body is Anthropic's `message` as is.
  decodeChatResponse: decodeAnthropicMessagesResponse,
  createFrameParser: (limits?: FrameLimits) => new AwsEventStreamParser(limits),
  createStreamDecoder: createBedrockAnthropicStreamDecoder,
  decodeError: decodeBedrockError,
});

export { BEDROCK_ANTHROPIC_VERSION, encodeBedrockAnthropicRequest } from "./encode-request.js";
export { createBedrockAnthropicStreamDecoder };
