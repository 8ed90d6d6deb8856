import type { ChatCodec, EncodedRequest, EncodeTarget, FrameLimits } from "../codec.js";
import type { ChatRequest } from "../../core/chat-request.js";
import { SseParser } from "../framing/sse.js";
import { decodeAnthropicError } from "./decode-error.js";
import { decodeAnthropicMessagesResponse } from "./decode-response.js";
import { createAnthropicStreamDecoder } from "./decode-stream.js";
import { DEFAULT_MAX_TOKENS, encodeAnthropicMessagesRequest } from "./encode-request.js";
import { withBetaField } from "./betas.js";

/** The flags ride in the body; the Anthropic and Vertex transports move them to `anthropic-beta`. */
function encodeWithBetas(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  return withBetaField(encodeAnthropicMessagesRequest(request, target), request);
}

/** The `anthropic-messages` dialect: Anthropic's Messages API, also Claude on Vertex (`rawPredict`). */
export const anthropicMessagesCodec: ChatCodec = Object.freeze({
  dialect: "anthropic-messages",
  inputLimits: {},
  encodeChatRequest: encodeWithBetas,
  decodeChatResponse: decodeAnthropicMessagesResponse,
  createFrameParser: (limits?: FrameLimits) => new SseParser(limits),
  createStreamDecoder: createAnthropicStreamDecoder,
  decodeError: decodeAnthropicError,
});

export {
  createAnthropicStreamDecoder,
  decodeAnthropicError,
  decodeAnthropicMessagesResponse,
  DEFAULT_MAX_TOKENS,
  encodeAnthropicMessagesRequest,
};
