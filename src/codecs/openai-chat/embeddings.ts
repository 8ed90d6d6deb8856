import type { EncodedRequest, EncodeTarget } from "../codec.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../../core/embeddings.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { BodyBuilder } from "./encode-request.js";
import { isObject } from "./wire.js";

/**
 * Canonical embeddings request → OpenAI body; a single input is sent as a single input.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function encodeOpenAIEmbeddingsRequest(
  request: EmbeddingsRequest,
  target: EncodeTarget,
): EncodedRequest {
  const builder = new BodyBuilder(target);
  builder.body["model"] = target.nativeModel;
  builder.body["input"] = request.singleInput ? request.input[0] : request.input;
  builder.set("dimensions", request.dimensions);
  // Ask for what the client asked for: base64 is a quarter of the bytes of float JSON.
  builder.set("encoding_format", request.encodingFormat);
  builder.set("user", request.user);
  if (request.passthrough?.dialect === "openai-chat") {
    const fields = request.passthrough.fields;
    for (const name in fields) builder.set(name, fields[name]);
  }
  return { body: builder.body, warnings: builder.warnings };
}

function badResponse(message: string): GatewayError {
  return new GatewayError(
    "upstream_bad_response",
    `the upstream's embeddings response is malformed: ${message}`,
  );
}

/** A base64 string of little-endian float32 values → a vector. */
function decodeBase64Vector(text: string, index: number): Float32Array {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0)
    throw badResponse(`data[${index}].embedding is not a whole number of float32 values`);
  const vector = new Float32Array(bytes.length / 4);
  for (let offset = 0, i = 0; offset < bytes.length; offset += 4, i += 1)
    vector[i] = bytes.readFloatLE(offset);
  return vector;
}

function decodeVector(value: unknown, index: number): Float32Array {
  if (typeof value === "string") return decodeBase64Vector(value, index);
  if (!Array.isArray(value)) throw badResponse(`data[${index}].embedding is neither an array nor base64`);
  const vector = new Float32Array(value.length);
  for (let i = 0; i < value.length; i += 1) {
    const number = value[i] as unknown;
    if (typeof number !== "number") throw badResponse(`data[${index}].embedding[${i}] is not a number`);
    vector[i] = number;
  }
  return vector;
}

/** OpenAI `{data:[{index, embedding}], usage, model}` → one vector per input, in input order. */
export function decodeOpenAIEmbeddingsResponse(body: unknown): EmbeddingsResult {
  if (!isObject(body) || !Array.isArray(body["data"])) throw badResponse("it has no data array");
  const data = body["data"] as unknown[];
  const vectors: Float32Array[] = new Array<Float32Array>(data.length);
  data.forEach((item, position) => {
    if (!isObject(item)) throw badResponse(`data[${position}] is not an object`);
    const index = item["index"] ?? position;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= data.length) {
      throw badResponse(`data[${position}].index is out of range`);
    }
    if (vectors[index] !== undefined) throw badResponse(`index ${index} appears twice`);
    vectors[index] = decodeVector(item["embedding"], position);
  });
  const usage = body["usage"];
  const tokens = isObject(usage) ? usage["prompt_tokens"] : undefined;
  const result: { model?: string; vectors: Float32Array[]; inputTokens: number } = {
    vectors,
    inputTokens: typeof tokens === "number" ? tokens : 0,
  };
  if (typeof body["model"] === "string" && body["model"] !== "") result.model = body["model"];
  return result;
}
