import type { ChatCodec, FrameLimits, InputLimits } from "../codec.js";
import { SseParser } from "../framing/sse.js";
import { decodeOpenAIError } from "../openai-chat/decode-error.js";
import { decodeOpenAIResponsesResponse } from "./decode-response.js";
import { createOpenAIResponsesStreamDecoder } from "./decode-stream.js";
import { encodeOpenAIResponsesRequest } from "./encode-request.js";

/**
 * The `openai-responses` dialect: OpenAI's Responses API, upstream, for offerings that declare
 * `api: responses` (models OpenAI or Azure serve only there). Errors come in the same envelope as
 * Chat Completions', so they are decoded by the same function.
 */
/** `input_file` reads PDFs (inline or by link, which OpenAI fetches), not plain-text documents. */
const INPUT_LIMITS: InputLimits = Object.freeze({
  rejectedDocumentSources: {
    text: "the OpenAI Responses API reads documents only as PDFs (input_file), not plain text",
  },
});

export const openaiResponsesCodec: ChatCodec = Object.freeze({
  dialect: "openai-responses",
  inputLimits: INPUT_LIMITS,
  encodeChatRequest: encodeOpenAIResponsesRequest,
  decodeChatResponse: decodeOpenAIResponsesResponse,
  createFrameParser: (limits?: FrameLimits) => new SseParser(limits),
  createStreamDecoder: createOpenAIResponsesStreamDecoder,
  decodeError: decodeOpenAIError,
});

export { createOpenAIResponsesStreamDecoder, decodeOpenAIResponsesResponse, encodeOpenAIResponsesRequest };
