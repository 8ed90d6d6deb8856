import { GatewayError } from "../../errors/gateway-error.js";

/** Small checks shared by the OpenAI request validators. `null` counts as absent, as for OpenAI. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

export function unsupported(param: string, message: string): GatewayError {
  return new GatewayError("unsupported_parameter", message, { param });
}

export function missing(param: string, message: string): GatewayError {
  return new GatewayError("missing_required_parameter", message, { param });
}

export function optionalBoolean(record: JsonRecord, name: string, param: string = name): boolean | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "boolean") {
    throw invalid(param, `Invalid type for '${param}': expected a boolean, but got ${typeName(value)}`);
  }
  return value;
}

export function optionalString(record: JsonRecord, name: string, param: string = name): string | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "string") {
    throw invalid(param, `Invalid type for '${param}': expected a string, but got ${typeName(value)}`);
  }
  return value;
}

export function optionalNumber(
  record: JsonRecord,
  name: string,
  min: number,
  max: number,
  param: string = name,
): number | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalid(param, `Invalid type for '${param}': expected a number, but got ${typeName(value)}`);
  }
  if (value < min || value > max) {
    throw invalid(param, `Invalid value for '${param}': ${value} is outside the range ${min} to ${max}`);
  }
  return value;
}

export function optionalInteger(
  record: JsonRecord,
  name: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  param: string = name,
): number | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw invalid(param, `Invalid type for '${param}': expected an integer, but got ${typeName(value)}`);
  }
  if (value < min || value > max) {
    throw invalid(param, `Invalid value for '${param}': ${value} is outside the range ${min} to ${max}`);
  }
  return value;
}

/** `metadata`: at most 16 string values, as OpenAI allows. */
export function parseMetadata(value: unknown): Record<string, string> | undefined {
  if (!present(value)) return undefined;
  if (!isRecord(value)) throw invalid("metadata", "'metadata' must be an object of strings");
  let count = 0;
  for (const key in value) {
    count += 1;
    if (typeof value[key] !== "string")
      throw invalid(`metadata.${key}`, `'metadata.${key}' must be a string`);
  }
  if (count > 16) throw invalid("metadata", "'metadata' accepts at most 16 keys");
  return value as Record<string, string>;
}
