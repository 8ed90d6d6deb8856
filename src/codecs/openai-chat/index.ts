import type { ChatCodec, EmbeddingsCodec } from "../codec.js";
import { SseParser } from "../framing/sse.js";
import { decodeOpenAIError } from "./decode-error.js";
import { decodeOpenAIChatResponse } from "./decode-response.js";
import { createOpenAIStreamDecoder } from "./decode-stream.js";
import { decodeOpenAIEmbeddingsResponse, encodeOpenAIEmbeddingsRequest } from "./embeddings.js";
import { encodeOpenAIChatRequest } from "./encode-request.js";

/** The `openai-chat` dialect: OpenAI, Azure OpenAI and OpenAI-compatible servers. */
export const openaiChatCodec: ChatCodec & EmbeddingsCodec = Object.freeze({
  dialect: "openai-chat",
  encodeChatRequest: encodeOpenAIChatRequest,
  decodeChatResponse: decodeOpenAIChatResponse,
  createFrameParser: () => new SseParser(),
  createStreamDecoder: createOpenAIStreamDecoder,
  decodeError: decodeOpenAIError,
  encodeEmbeddingsRequest: encodeOpenAIEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeOpenAIEmbeddingsResponse,
});

export {
  createOpenAIStreamDecoder,
  decodeOpenAIChatResponse,
  decodeOpenAIEmbeddingsResponse,
  decodeOpenAIError,
  encodeOpenAIChatRequest,
  encodeOpenAIEmbeddingsRequest,
};
export { retryAfterSeconds } from "./decode-error.js";
