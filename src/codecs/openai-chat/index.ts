import type { ChatCodec, FrameLimits, EmbeddingsCodec, InputLimits } from "../codec.js";
import { SseParser } from "../framing/sse.js";
import { decodeOpenAIError } from "./decode-error.js";
import { decodeOpenAIChatResponse } from "./decode-response.js";
import { createOpenAIStreamDecoder } from "./decode-stream.js";
import { decodeOpenAIEmbeddingsResponse, encodeOpenAIEmbeddingsRequest } from "./embeddings.js";
import { encodeOpenAIChatRequest } from "./encode-request.js";

/**
 * Chat completions read documents only as an inline PDF (`file.file_data`): no plain-text documents,
 * no links (a codec never fetches).
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
const INPUT_LIMITS: InputLimits = Object.freeze({
  rejectedDocumentSources: {
    text: "OpenAI chat completions read documents only as PDFs (file_data), not plain text",
    url: "OpenAI chat completions take documents only inline (file_data), not as links",
  },
});

/** The `openai-chat` dialect: OpenAI, Azure OpenAI and OpenAI-compatible servers. */
export const openaiChatCodec: ChatCodec = Object.freeze({
  dialect: "openai-chat",
  inputLimits: INPUT_LIMITS,
  encodeChatRequest: encodeOpenAIChatRequest,
  decodeChatResponse: decodeOpenAIChatResponse,
  createFrameParser: (limits?: FrameLimits) => new SseParser(limits),
  createStreamDecoder: createOpenAIStreamDecoder,
  decodeError: decodeOpenAIError,
});

/** OpenAI's `/embeddings`, also served by Azure and OpenAI-compatible servers. */
export const openaiEmbeddingsCodec: EmbeddingsCodec = Object.freeze({
  dialect: "openai-embeddings",
  encodeEmbeddingsRequest: encodeOpenAIEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeOpenAIEmbeddingsResponse,
  decodeError: decodeOpenAIError,
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
