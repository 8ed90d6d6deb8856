import { GatewayError } from "../../errors/gateway-error.js";

/**
 * Small checks for the Anthropic request validators. Errors are worded the way Anthropic's API words
 * them (`messages.0.role: Input should be 'user' or 'assistant'`): the dotted path of the field, a
 * colon, what is wrong. The path is also the error's `param`. `null` counts as absent for optional
 * fields, as Anthropic's SDKs send it that way.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function invalid(path: string, message: string): GatewayError {
  return new GatewayError("invalid_request", `${path}: ${message}`, { param: path });
}

export function missing(path: string): GatewayError {
  return new GatewayError("missing_required_parameter", `${path}: Field required`, { param: path });
}

export function unsupported(path: string, message: string): GatewayError {
  return new GatewayError("unsupported_parameter", `${path}: ${message}`, { param: path });
}

/** Rejects any field of `record` not in `allowed`, as Anthropic does (`Extra inputs are not permitted`). */
export function rejectExtra(record: JsonRecord, allowed: ReadonlySet<string>, at: string): void {
  for (const name in record) {
    if (!allowed.has(name)) throw invalid(join(at, name), "Extra inputs are not permitted");
  }
}

/** A dotted path: `messages` + `0` → `messages.0`; the top level has no prefix. */
export function join(at: string, name: string | number): string {
  return at === "" ? String(name) : `${at}.${name}`;
}

/** `'a', 'b' or 'c'`, as pydantic lists literal choices. */
export function choices(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
}

export function requireObject(value: unknown, path: string): JsonRecord {
  if (!isRecord(value)) throw invalid(path, "Input should be a valid dictionary");
  return value;
}

export function requireString(value: unknown, path: string): string {
  if (!present(value)) throw missing(path);
  if (typeof value !== "string") throw invalid(path, "Input should be a valid string");
  return value;
}

export function optionalString(record: JsonRecord, name: string, at: string): string | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "string") throw invalid(join(at, name), "Input should be a valid string");
  return value;
}

export function optionalBoolean(record: JsonRecord, name: string, at: string): boolean | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "boolean") throw invalid(join(at, name), "Input should be a valid boolean");
  return value;
}

export function optionalNumber(
  record: JsonRecord,
  name: string,
  at: string,
  min: number,
  max: number,
): number | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  const path = join(at, name);
  if (typeof value !== "number" || !Number.isFinite(value))
    throw invalid(path, "Input should be a valid number");
  if (value < min) throw invalid(path, `Input should be greater than or equal to ${min}`);
  if (value > max) throw invalid(path, `Input should be less than or equal to ${max}`);
  return value;
}

export function optionalInteger(
  record: JsonRecord,
  name: string,
  at: string,
  min: number,
): number | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  return integerAtLeast(value, join(at, name), min);
}

export function integerAtLeast(value: unknown, path: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw invalid(path, "Input should be a valid integer");
  }
  if (value < min) throw invalid(path, `Input should be greater than or equal to ${min}`);
  return value;
}

export function optionalLiteral<T extends string>(
  record: JsonRecord,
  name: string,
  at: string,
  values: readonly T[],
): T | undefined {
  const value = record[name];
  if (!present(value)) return undefined;
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw invalid(join(at, name), `Input should be ${choices(values)}`);
  }
  return value as T;
}
