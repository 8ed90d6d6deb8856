import type {
  ChatCodec,
  EmbeddingsCodec,
  EncodedRequest,
  EncodeTarget,
  FrameLimits,
  InputLimits,
} from "../codec.js";
import type { ChatRequest } from "../../core/chat-request.js";
import { AwsEventStreamParser, type AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { decodeBedrockError } from "./decode-error.js";
import { decodeBedrockConverseResponse } from "./decode-response.js";
import { createBedrockStreamDecoder } from "./decode-stream.js";
import {
  COHERE_MAX_TEXTS,
  decodeCohereEmbeddingsResponse,
  decodeTitanEmbeddingsResponse,
  encodeCohereEmbeddingsRequest,
  encodeTitanEmbeddingsRequest,
} from "./embeddings.js";
import { encodeBedrockConverseRequest } from "./encode-request.js";

/** Converse carries image bytes only; a link would need a fetch, which a codec never does. */
const BEDROCK_INPUT_LIMITS: InputLimits = Object.freeze({
  rejectedImageSources: {
    url: "Bedrock Converse accepts images only as inline bytes: send the image as a data: URL (base64), not a link",
  },
  rejectedDocumentSources: {
    url: "Bedrock Converse accepts documents only as inline bytes: send the document base64, not a link",
  },
});

/**
 * Claude's `anthropic-beta` flags ride Converse in `additionalModelRequestFields.anthropic_beta`, beside
 * any field a Bedrock-dialect client passed there. Only the flags the cloud takes arrive here (and none
 * for a model of another vendor): the executor strips the rest with a warning.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 */
function encodeConverseWithBetas(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const encoded = encodeBedrockConverseRequest(request, target);
  const betas = request.betas;
  if (betas === undefined || betas.length === 0) return encoded;
  const extra = encoded.body["additionalModelRequestFields"];
  const fields = typeof extra === "object" && extra !== null ? (extra as Record<string, unknown>) : {};
  return {
    body: { ...encoded.body, additionalModelRequestFields: { ...fields, anthropic_beta: [...betas] } },
    warnings: encoded.warnings,
  };
}

/** The `bedrock-converse` dialect: Bedrock's Converse and ConverseStream, whatever the model family. */
export const bedrockConverseCodec: ChatCodec<AwsEventStreamMessage> = Object.freeze({
  dialect: "bedrock-converse",
  inputLimits: BEDROCK_INPUT_LIMITS,
  encodeChatRequest: encodeConverseWithBetas,
  decodeChatResponse: decodeBedrockConverseResponse,
  createFrameParser: (limits?: FrameLimits) => new AwsEventStreamParser(limits),
  createStreamDecoder: createBedrockStreamDecoder,
  decodeError: decodeBedrockError,
});

/** Amazon Titan Text Embeddings through Bedrock's InvokeModel: one input per call. */
export const bedrockTitanEmbedCodec: EmbeddingsCodec = Object.freeze({
  dialect: "bedrock-titan-embed",
  maxInputsPerRequest: 1,
  encodeEmbeddingsRequest: encodeTitanEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeTitanEmbeddingsResponse,
  decodeError: decodeBedrockError,
});

/** Cohere Embed through Bedrock's InvokeModel. */
export const bedrockCohereEmbedCodec: EmbeddingsCodec = Object.freeze({
  dialect: "bedrock-cohere-embed",
  maxInputsPerRequest: COHERE_MAX_TEXTS,
  encodeEmbeddingsRequest: encodeCohereEmbeddingsRequest,
  decodeEmbeddingsResponse: decodeCohereEmbeddingsResponse,
  decodeError: decodeBedrockError,
});

export type { AwsEventStreamMessage };
export {
  createBedrockStreamDecoder,
  decodeBedrockConverseResponse,
  decodeBedrockError,
  encodeBedrockConverseRequest,
};
