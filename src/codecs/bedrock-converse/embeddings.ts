import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../../core/embeddings.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { isObject } from "./wire.js";

/** Output sizes Titan Text Embeddings V2 accepts. */
const TITAN_V2_DIMENSIONS = new Set([256, 512, 1024]);

function badResponse(message: string): GatewayError {
  return new GatewayError(
    "upstream_bad_response",
    `the upstream's embeddings response is malformed: ${message}`,
  );
}

/** Bedrock's embedding models take text only: token-id inputs cannot be sent. */
function textInputs(request: EmbeddingsRequest): readonly string[] {
  const inputs = request.input;
  if (inputs.some((input) => typeof input !== "string")) {
    throw new GatewayError(
      "unsupported_parameter",
      "Bedrock embedding models accept text inputs, not token arrays",
      {
        param: "input",
      },
    );
  }
  return inputs as readonly string[];
}

function commonWarnings(request: EmbeddingsRequest): Warning[] {
  const warnings: Warning[] = [];
  if (request.user !== undefined) {
    warnings.push({
      code: "parameter_ignored",
      param: "user",
      message: "Bedrock embeddings have no end-user id",
    });
  }
  if (request.passthrough !== undefined) {
    for (const name in request.passthrough.fields) {
      warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} has no Bedrock embeddings equivalent and was ignored`,
      });
    }
  }
  return warnings;
}

function decodeVector(value: unknown, where: string): Float32Array {
  if (!Array.isArray(value)) throw badResponse(`${where} is not an array`);
  const vector = new Float32Array(value.length);
  for (let i = 0; i < value.length; i += 1) {
    const number = value[i] as unknown;
    if (typeof number !== "number") throw badResponse(`${where}[${i}] is not a number`);
    vector[i] = number;
  }
  return vector;
}

/**
 * Canonical embeddings request → Titan Text Embeddings body: one input per call (the executor splits
 * larger requests, see `maxInputsPerRequest`). V2 takes `dimensions` (256, 512 or 1024) and normalizes
 * by default, as OpenAI's vectors are; V1 has a fixed size.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 */
export function encodeTitanEmbeddingsRequest(
  request: EmbeddingsRequest,
  target: EncodeTarget,
): EncodedRequest {
  const inputs = textInputs(request);
  if (inputs.length !== 1) {
    throw new GatewayError("unsupported_parameter", "Titan embeds one input per request", { param: "input" });
  }
  const body: Record<string, unknown> = { inputText: inputs[0] };
  if (request.dimensions !== undefined) {
    const v2 = /titan-embed-text-v2/.test(target.nativeModel);
    if (!v2 || !TITAN_V2_DIMENSIONS.has(request.dimensions)) {
      throw new GatewayError(
        "unsupported_parameter",
        v2
          ? "Titan Text Embeddings V2 produces 256, 512 or 1024 dimensions"
          : `${target.nativeModel} has a fixed number of dimensions`,
        { param: "dimensions" },
      );
    }
    body["dimensions"] = request.dimensions;
  }
  return { body, warnings: commonWarnings(request) };
}

/** Titan `{embedding, inputTextTokenCount}` → one vector. */
export function decodeTitanEmbeddingsResponse(body: unknown): EmbeddingsResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  const tokens = body["inputTextTokenCount"];
  return {
    vectors: [decodeVector(body["embedding"], "embedding")],
    inputTokens: typeof tokens === "number" && tokens >= 0 ? tokens : 0,
  };
}

/** Cohere Embed on Bedrock takes at most 96 texts per call. */
export const COHERE_MAX_TEXTS = 96;

/**
 * Canonical embeddings request → Cohere Embed body. OpenAI has no input type; texts are embedded as
 * `search_document`, the general-purpose choice. Embed v4 takes `output_dimension`; v3 has a fixed size.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html
 */
export function encodeCohereEmbeddingsRequest(
  request: EmbeddingsRequest,
  target: EncodeTarget,
): EncodedRequest {
  const body: Record<string, unknown> = { texts: [...textInputs(request)], input_type: "search_document" };
  if (request.dimensions !== undefined) {
    if (!/cohere\.embed-v4/.test(target.nativeModel)) {
      throw new GatewayError(
        "unsupported_parameter",
        `${target.nativeModel} has a fixed number of dimensions`,
        {
          param: "dimensions",
        },
      );
    }
    body["output_dimension"] = request.dimensions;
  }
  return { body, warnings: commonWarnings(request) };
}

/**
 * Cohere `{embeddings: number[][]}` or, when `embedding_types` was asked for, `{embeddings: {float: …}}`.
 * Cohere's body carries no token count (Bedrock puts it in a header the codec does not see): 0.
 */
export function decodeCohereEmbeddingsResponse(body: unknown): EmbeddingsResult {
  if (!isObject(body)) throw badResponse("the body is not a JSON object");
  let embeddings = body["embeddings"];
  if (isObject(embeddings)) embeddings = embeddings["float"];
  if (!Array.isArray(embeddings)) throw badResponse("it has no float embeddings");
  return {
    vectors: (embeddings as unknown[]).map((vector, index) => decodeVector(vector, `embeddings[${index}]`)),
    inputTokens: 0,
  };
}
