import type { DialectFields } from "./chat-request.js";

/** The canonical embeddings request. Token-id inputs are kept as given. */
export interface EmbeddingsRequest {
  readonly model: string;
  readonly input: readonly string[] | readonly (readonly number[])[];
  /** True when the client sent a single input (string or one token array) rather than a list. */
  readonly singleInput: boolean;
  readonly dimensions?: number;
  readonly encodingFormat: "float" | "base64";
  readonly user?: string;
  readonly passthrough?: DialectFields;
}

export interface EmbeddingsResult {
  readonly model?: string;
  /** One vector per input, in input order. */
  readonly vectors: readonly Float32Array[];
  readonly inputTokens: number;
}

/**
 * An embeddings wire format. Embeddings APIs differ more than chat APIs: Bedrock's depend on the model
 * family (Titan, Cohere), and Vertex's `predict` is not the Gemini API's `batchEmbedContents`.
 */
export type EmbeddingsDialect =
  "openai-embeddings" | "bedrock-titan-embed" | "bedrock-cohere-embed" | "gemini-embed" | "vertex-embed";
