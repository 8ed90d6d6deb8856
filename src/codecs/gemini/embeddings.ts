import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../../core/embeddings.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { isObject } from "./wire.js";

/** Text inputs only: neither API takes token ids. */
function texts(request: EmbeddingsRequest): string[] {
  return request.input.map((input) => {
    if (typeof input !== "string")
      throw new GatewayError("unsupported_parameter", "Google embedding models take text, not token ids", {
        param: "input",
      });
    return input;
  });
}

function warnings(request: EmbeddingsRequest): Warning[] {
  const out: Warning[] = [];
  if (request.user !== undefined)
    out.push({
      code: "parameter_ignored",
      param: "user",
      message: "Google embeddings have no end-user id; user was ignored",
    });
  if (request.passthrough !== undefined)
    for (const name in request.passthrough.fields)
      out.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} has no Google equivalent and was ignored`,
      });
  return out;
}

function badResponse(message: string): GatewayError {
  return new GatewayError(
    "upstream_bad_response",
    `the upstream's embeddings response is malformed: ${message}`,
  );
}

function vector(values: unknown, where: string): Float32Array {
  if (!Array.isArray(values)) throw badResponse(`${where} is not an array`);
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as unknown;
    if (typeof value !== "number") throw badResponse(`${where}[${index}] is not a number`);
    out[index] = value;
  }
  return out;
}

/** `models/{m}` as the Gemini API names a model in request bodies; tuned models keep their own prefix. */
function resourceName(model: string): string {
  return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : `models/${model}`;
}

/**
 * Canonical embeddings request → Gemini API `models/{m}:batchEmbedContents` body: one request per input,
 * each naming the model again (the API insists the names match). `dimensions` → `outputDimensionality`.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export function encodeGeminiEmbeddingsRequest(
  request: EmbeddingsRequest,
  target: EncodeTarget,
): EncodedRequest {
  const model = resourceName(target.nativeModel);
  const requests = texts(request).map((text) => {
    const item: Record<string, unknown> = { model, content: { parts: [{ text }] } };
    if (request.dimensions !== undefined) item["outputDimensionality"] = request.dimensions;
    return item;
  });
  return { body: { requests }, warnings: warnings(request) };
}

/**
 * `{embeddings:[{values}]}` → one vector per input, in order. The Gemini API reports no token count for
 * embeddings, and this decoder does not see the inputs, so `inputTokens` is 0: an estimate with another
 * vendor's tokenizer would be billed as if it were a measurement.
 */
export function decodeGeminiEmbeddingsResponse(body: unknown): EmbeddingsResult {
  if (!isObject(body) || !Array.isArray(body["embeddings"])) throw badResponse("it has no embeddings array");
  const vectors = (body["embeddings"] as unknown[]).map((item, index) => {
    if (!isObject(item)) throw badResponse(`embeddings[${index}] is not an object`);
    return vector(item["values"], `embeddings[${index}].values`);
  });
  return { vectors, inputTokens: 0 };
}

/**
 * Canonical embeddings request → Vertex AI `publishers/google/models/{m}:predict` body.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 */
export function encodeVertexEmbeddingsRequest(
  request: EmbeddingsRequest,
  _target: EncodeTarget,
): EncodedRequest {
  const body: Record<string, unknown> = { instances: texts(request).map((content) => ({ content })) };
  if (request.dimensions !== undefined) body["parameters"] = { outputDimensionality: request.dimensions };
  return { body, warnings: warnings(request) };
}

/**
 * `{predictions:[{embeddings:{values, statistics:{token_count}}}]}` → vectors; `inputTokens` is the sum
 * of the per-input `token_count` Vertex reports (0 where it reports none).
 */
export function decodeVertexEmbeddingsResponse(body: unknown): EmbeddingsResult {
  if (!isObject(body) || !Array.isArray(body["predictions"]))
    throw badResponse("it has no predictions array");
  let inputTokens = 0;
  const vectors = (body["predictions"] as unknown[]).map((prediction, index) => {
    const embeddings = isObject(prediction) ? prediction["embeddings"] : undefined;
    if (!isObject(embeddings)) throw badResponse(`predictions[${index}] has no embeddings`);
    const statistics = embeddings["statistics"];
    const tokens = isObject(statistics) ? statistics["token_count"] : undefined;
    if (typeof tokens === "number" && Number.isFinite(tokens) && tokens >= 0) inputTokens += tokens;
    return vector(embeddings["values"], `predictions[${index}].embeddings.values`);
  });
  return { vectors, inputTokens };
}
