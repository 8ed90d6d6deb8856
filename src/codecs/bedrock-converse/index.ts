import type { ChatCodec, FrameLimits, EmbeddingsCodec } from "../codec.js";
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

/** The `bedrock-converse` dialect: Bedrock's Converse and ConverseStream, whatever the model family. */
export const bedrockConverseCodec: ChatCodec<AwsEventStreamMessage> = Object.freeze({
  dialect: "bedrock-converse",
  encodeChatRequest: encodeBedrockConverseRequest,
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
