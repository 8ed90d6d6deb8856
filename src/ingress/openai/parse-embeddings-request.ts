import type { EmbeddingsRequest } from "../../core/embeddings.js";
import { GatewayError } from "../../errors/gateway-error.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

function isTokenArray(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((token) => Number.isInteger(token) && (token as number) >= 0)
  );
}

function parseInput(input: unknown): Pick<EmbeddingsRequest, "input" | "singleInput"> {
  if (typeof input === "string") {
    if (input === "") throw invalid("input", "'input' must not be an empty string");
    return { input: [input], singleInput: true };
  }
  if (!Array.isArray(input))
    throw invalid("input", "'input' must be a string, an array of strings or token arrays");
  if (input.length === 0) throw invalid("input", "'input' must not be empty");
  const items = input as unknown[];
  if (typeof items[0] === "number") {
    if (!isTokenArray(items))
      throw invalid("input", "'input' must be an array of non-negative integer tokens");
    return { input: [items], singleInput: true };
  }
  if (typeof items[0] === "string") {
    items.forEach((item, index) => {
      if (typeof item !== "string") throw invalid(`input[${index}]`, `'input[${index}]' must be a string`);
      if (item === "") throw invalid(`input[${index}]`, `'input[${index}]' must not be an empty string`);
    });
    return { input: items as string[], singleInput: false };
  }
  items.forEach((item, index) => {
    if (!isTokenArray(item)) {
      throw invalid(`input[${index}]`, `'input[${index}]' must be a non-empty array of integer tokens`);
    }
  });
  return { input: items as number[][], singleInput: false };
}

const known = new Set(["model", "input", "dimensions", "encoding_format", "user"]);

/**
 * Validates an OpenAI `POST /v1/embeddings` body into the canonical request.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_request", "The request body must be a JSON object");
  }
  const fields = body as Record<string, unknown>;
  for (const name in fields) {
    if (!known.has(name)) throw invalid(name, `Unrecognized request argument supplied: ${name}`);
  }
  const model = fields["model"];
  if (model === undefined || model === null) {
    throw new GatewayError("missing_required_parameter", "you must provide a model parameter", {
      param: "model",
    });
  }
  if (typeof model !== "string" || model === "") throw invalid("model", "'model' must be a non-empty string");
  if (fields["input"] === undefined || fields["input"] === null) {
    throw new GatewayError("missing_required_parameter", "you must provide an input parameter", {
      param: "input",
    });
  }
  const request: Mutable<EmbeddingsRequest> = {
    model,
    ...parseInput(fields["input"]),
    encodingFormat: "float",
  };
  const dimensions = fields["dimensions"];
  if (dimensions !== undefined && dimensions !== null) {
    if (!Number.isInteger(dimensions) || (dimensions as number) < 1) {
      throw invalid("dimensions", "'dimensions' must be a positive integer");
    }
    request.dimensions = dimensions as number;
  }
  const format = fields["encoding_format"];
  if (format !== undefined && format !== null) {
    if (format !== "float" && format !== "base64") {
      throw invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'");
    }
    request.encodingFormat = format;
  }
  const user = fields["user"];
  if (user !== undefined && user !== null) {
    if (typeof user !== "string") throw invalid("user", "'user' must be a string");
    request.user = user;
  }
  return request;
}
