import type { ChatCodec, FrameLimits } from "../codec.js";
import { SseParser } from "../framing/sse.js";
import { decodeAnthropicError } from "./decode-error.js";
import { decodeAnthropicMessagesResponse } from "./decode-response.js";
import { createAnthropicStreamDecoder } from "./decode-stream.js";
import { DEFAULT_MAX_TOKENS, encodeAnthropicMessagesRequest } from "./encode-request.js";

/** The `anthropic-messages` dialect: Anthropic's Messages API, also Claude on Vertex (`rawPredict`). */
export const anthropicMessagesCodec: ChatCodec = Object.freeze({
  dialect: "anthropic-messages",
  inputLimits: {},
  encodeChatRequest: encodeAnthropicMessagesRequest,
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
