import type { ChatCodec, FrameLimits, EmbeddingsCodec, InputLimits } from "../codec.js";
import { SseParser, type SseEvent } from "../framing/sse.js";
import { decodeGeminiError } from "./decode-error.js";
import { decodeGeminiChatResponse } from "./decode-response.js";
import { createGeminiStreamDecoder } from "./decode-stream.js";
import {
  decodeGeminiEmbeddingsResponse,
  decodeVertexEmbeddingsResponse,
  encodeGeminiEmbeddingsRequest,
  encodeVertexEmbeddingsRequest,
} from "./embeddings.js";
import { encodeGeminiChatRequest } from "./encode-request.js";

/** Documents go inline (`inlineData`); a link would need a fetch, which a codec never does. */
const INPUT_LIMITS: InputLimits = Object.freeze({
  rejectedDocumentSources: {
    url: "Gemini takes documents here only as inline data: send the document base64, not a link",
  },
});

/** The `gemini` dialect: `generateContent` on the Gemini API and on Vertex AI (publishers/google). */
export const geminiCodec: ChatCodec<SseEvent> = Object.freeze({
  dialect: "gemini",
  inputLimits: INPUT_LIMITS,
  encodeChatRequest: encodeGeminiChatRequest,
  decodeChatResponse: decodeGeminiChatResponse,
  createFrameParser: (limits?: FrameLimits) => new SseParser(limits),
  createStreamDecoder: createGeminiStreamDecoder,
  decodeError: decodeGeminiError,
});

/** The Gemini API's `batchEmbedContents` (at most 100 requests per call). */
export const geminiEmbedCodec: EmbeddingsCodec = Object.freeze({
  dialect: "gemini-embed",
  maxInputsPerRequest: 100,
  encodeEmbeddingsRequest: encodeGeminiEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeGeminiEmbeddingsResponse,
  decodeError: decodeGeminiError,
});

/**
 * Vertex AI's `predict` for Google embedding models. One input per call: `gemini-embedding-001` accepts
 * a single instance per request (text-embedding-005 takes up to 250, but the codec is per dialect).
 */
export const vertexEmbedCodec: EmbeddingsCodec = Object.freeze({
  dialect: "vertex-embed",
  maxInputsPerRequest: 1,
  encodeEmbeddingsRequest: encodeVertexEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeVertexEmbeddingsResponse,
  decodeError: decodeGeminiError,
});

export { createGeminiStreamDecoder, decodeGeminiChatResponse, decodeGeminiError, encodeGeminiChatRequest };
export { packToolCallId, unpackThoughtSignature } from "./tool-call-id.js";
