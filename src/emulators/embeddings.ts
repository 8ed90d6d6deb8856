import { type InvalidRequest, isRecord, typeName } from "./chat-request.js";
import { sha256 } from "./hashing.js";
import { countTextTokens } from "./tokens.js";

export interface EmbeddingRequest {
  model: string | undefined;
  /** Each input as text or as token ids. */
  inputs: (string | number[])[];
  dimensions: number;
  encoding: "float" | "base64";
}

const DEFAULT_DIMENSIONS = 1536;
const MAX_DIMENSIONS = 3072;

type Result = { ok: true; request: EmbeddingRequest } | { ok: false; error: InvalidRequest };
const fail = (message: string, param: string | null, code: string | null = null): Result => ({
  ok: false,
  error: { message, param, code },
});

/** @see https://platform.openai.com/docs/api-reference/embeddings/create */
export function parseEmbeddingRequest(body: unknown, modelRequired: boolean): Result {
  if (!isRecord(body)) return fail("Invalid type for body: expected an object.", null, "invalid_type");
  const model = body["model"];
  if (modelRequired && (typeof model !== "string" || model === "")) {
    return fail("you must provide a model parameter", "model", "missing_required_parameter");
  }
  const input = body["input"];
  if (input === undefined || input === null)
    return fail("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  const inputs = readInputs(input);
  if (inputs === undefined) {
    return fail(
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      null,
    );
  }
  const dimensions = body["dimensions"] ?? DEFAULT_DIMENSIONS;
  if (
    typeof dimensions !== "number" ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_DIMENSIONS
  ) {
    return fail(
      `Invalid 'dimensions': expected an integer between 1 and ${MAX_DIMENSIONS}.`,
      "dimensions",
      "invalid_value",
    );
  }
  const encoding = body["encoding_format"] ?? "float";
  if (encoding !== "float" && encoding !== "base64") {
    return fail(
      `Invalid value: '${typeof encoding === "string" ? encoding : typeName(encoding)}'. Supported values are: 'float' and 'base64'.`,
      "encoding_format",
      "invalid_value",
    );
  }
  return {
    ok: true,
    request: { model: typeof model === "string" ? model : undefined, inputs, dimensions, encoding },
  };
}

function readInputs(input: unknown): (string | number[])[] | undefined {
  if (typeof input === "string") return input === "" ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === "number")) return [input];
  if (input.every((item): item is string => typeof item === "string" && item !== "")) return input;
  if (
    input.every(
      (item) => Array.isArray(item) && item.length > 0 && item.every((token) => typeof token === "number"),
    )
  ) {
    return input as number[][];
  }
  return undefined;
}

/** A unit-norm vector derived only from the input (and the dimension count). */
export function embeddingVector(input: string | number[], dimensions: number): Float32Array {
  const seed = sha256(typeof input === "string" ? `text:${input}` : `tokens:${input.join(",")}`);
  // xorshift32 seeded from the hash: cheap, deterministic, and spreads values over [-1, 1].
  let state = seed.readUInt32LE(0) || 0x9e3779b9;
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 0xffffffff - 0.5;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index += 1) vector[index] = (vector[index] ?? 0) * scale;
  return vector;
}

/** Little-endian float32 bytes, base64-encoded, as `encoding_format: "base64"` returns them. */
export function toBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

export function embeddingsBody(request: EmbeddingRequest, model: string): unknown {
  let tokens = 0;
  const data = request.inputs.map((input, index) => {
    tokens += typeof input === "string" ? countTextTokens(input) : input.length;
    const vector = embeddingVector(input, request.dimensions);
    return {
      object: "embedding",
      index,
      embedding: request.encoding === "base64" ? toBase64(vector) : Array.from(vector),
    };
  });
  return { object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
