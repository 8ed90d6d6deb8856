import { endianness } from "node:os";
import type { EmbeddingsRequest, EmbeddingsResult } from "../../core/embeddings.js";

const littleEndian = endianness() === "LE";

export interface OpenAIEmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** A vector → base64 of little-endian float32s, what OpenAI sends for `encoding_format: "base64"`. */
function toBase64(vector: Float32Array): string {
  if (littleEndian)
    return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i += 1) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString("base64");
}

/**
 * Canonical embeddings → OpenAI's list, in the encoding the client asked for.
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export function encodeEmbeddingsResponse(
  result: EmbeddingsResult,
  request: EmbeddingsRequest,
): OpenAIEmbeddingsResponse {
  const base64 = request.encodingFormat === "base64";
  return {
    object: "list",
    data: result.vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? toBase64(vector) : Array.from(vector),
    })),
    model: result.model ?? request.model,
    usage: { prompt_tokens: result.inputTokens, total_tokens: result.inputTokens },
  };
}
