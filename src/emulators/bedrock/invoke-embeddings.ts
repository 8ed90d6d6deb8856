import { isRecord } from "../chat-request.js";
import { embeddingVector } from "../embeddings.js";
import { base62 } from "../hashing.js";
import { countTextTokens } from "../tokens.js";
import { constraintError, validation, type AwsError } from "./aws-errors.js";

export type InvokeResult = { ok: true; body: unknown; inputTokens: number } | { ok: false; error: AwsError };

const TITAN_V2_DIMENSIONS = [256, 512, 1024];
const COHERE_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering"];

/**
 * InvokeModel for the embedding models the gateway sends there: Titan Text Embeddings (V1, V2) and
 * Cohere Embed. Vectors come from the shared deterministic generator (unit norm, same input → same vector).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html
 */
export function invokeEmbeddings(modelId: string, body: unknown, seed: string): InvokeResult {
  if (/(^|\.)amazon\.titan-embed-text/.test(modelId)) return titan(modelId, body);
  if (/(^|\.)cohere\.embed/.test(modelId)) return cohere(modelId, body, seed);
  return {
    ok: false,
    error: validation(
      `The emulator serves InvokeModel only for Titan and Cohere embedding models, not ${modelId}.`,
    ),
  };
}

function titan(modelId: string, body: unknown): InvokeResult {
  if (!isRecord(body) || typeof body["inputText"] !== "string" || body["inputText"] === "") {
    return {
      ok: false,
      error: validation(
        "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.",
      ),
    };
  }
  const v2 = modelId.includes("titan-embed-text-v2");
  const extra = Object.keys(body).filter(
    (key) => key !== "inputText" && !(v2 && (key === "dimensions" || key === "normalize")),
  );
  if (extra.length > 0) {
    return {
      ok: false,
      error: validation(
        `Malformed input request: #: extraneous key [${extra[0]}] is not permitted, please reformat your input and try again.`,
      ),
    };
  }
  const dimensions = body["dimensions"] ?? (v2 ? 1024 : 1536);
  if (typeof dimensions !== "number" || (v2 && !TITAN_V2_DIMENSIONS.includes(dimensions))) {
    return {
      ok: false,
      error: validation(
        "Malformed input request: #/dimensions: 256, 512 or 1024 expected, please reformat your input and try again.",
      ),
    };
  }
  const text = body["inputText"];
  const inputTokens = countTextTokens(text);
  const vector = Array.from(embeddingVector(text, dimensions));
  const answer: Record<string, unknown> = { embedding: vector, inputTextTokenCount: inputTokens };
  if (v2) answer["embeddingsByType"] = { float: vector };
  return { ok: true, body: answer, inputTokens };
}

function cohere(modelId: string, body: unknown, seed: string): InvokeResult {
  if (!isRecord(body))
    return {
      ok: false,
      error: validation("Malformed input request, please reformat your input and try again."),
    };
  const texts = body["texts"];
  if (
    !Array.isArray(texts) ||
    texts.length === 0 ||
    texts.length > 96 ||
    !texts.every((t) => typeof t === "string")
  ) {
    return {
      ok: false,
      error: constraintError(undefined, "texts", "Member must have length between 1 and 96, of strings"),
    };
  }
  const inputType = body["input_type"];
  if (typeof inputType !== "string" || !COHERE_INPUT_TYPES.includes(inputType)) {
    return {
      ok: false,
      error: validation(
        `Malformed input request: #/input_type: ${String(inputType)} is not a valid enum value, please reformat your input and try again.`,
      ),
    };
  }
  const requested = body["output_dimension"];
  const v4 = modelId.includes("embed-v4");
  if (requested !== undefined && !v4) {
    return {
      ok: false,
      error: validation(
        "Malformed input request: #: extraneous key [output_dimension] is not permitted, please reformat your input and try again.",
      ),
    };
  }
  const dimensions = typeof requested === "number" ? requested : v4 ? 1536 : 1024;
  const vectors = texts.map((text) => Array.from(embeddingVector(text, dimensions)));
  const inputTokens = texts.reduce((sum, text) => sum + countTextTokens(text), 0);
  const types = body["embedding_types"];
  const byType = Array.isArray(types) && types.length > 0;
  return {
    ok: true,
    inputTokens,
    body: {
      embeddings: byType ? { float: vectors } : vectors,
      id: `${base62(`${seed}:a`, 8)}-${base62(`${seed}:b`, 4)}-${base62(`${seed}:c`, 12)}`,
      response_type: byType ? "embeddings_by_type" : "embeddings_floats",
      texts,
    },
  };
}
