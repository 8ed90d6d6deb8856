import { z } from "zod";
import { closestName } from "./did-you-mean.js";

/**
 * Plain words for zod's generic issues, used as the error map of the configuration's parse: each message
 * says what is expected (`must be one of openai, azure, …`, `must be a list`), never a validator's
 * internals (`Invalid discriminator value`, `Too big: expected number to be <=65535`). Messages the
 * schema sets itself (a region's shape, a refinement) take precedence; a missing value is said to be
 * required by `configIssueText`, whatever the schema's message.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${typeWords(issue.expected)}${received(issue.input)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}${given(issue.input)}`;
    case "invalid_union":
      if (issue.discriminator !== undefined) return discriminatorText(issue);
      return "does not have any of the accepted forms";
    case "unrecognized_keys":
      return unknownKeysText(issue.keys, knownKeys(issue.inst));
    case "too_small":
      return tooSmallText(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case "too_big":
      return tooBigText(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case "invalid_format":
      return formatText(issue.format);
    case "invalid_key":
      return `the name ${JSON.stringify(issue.input)} is not valid: ${issue.issues.map((nested) => nested.message).join("; ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
};

/** The reason of one issue, with "required" for a value that is missing whatever the schema says. */
export function configIssueText(issue: z.core.$ZodIssue): string {
  const missing =
    (issue.code === "invalid_type" || issue.code === "invalid_union") &&
    issue.input === undefined &&
    issue.path.length > 0;
  if (missing) return "required";
  return issue.message;
}

function discriminatorText(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string {
  const options = Array.isArray(issue["options"]) ? (issue["options"] as unknown[]).map(String) : [];
  const list = options.join(", ");
  const value =
    issue.input !== null && typeof issue.input === "object" && issue.discriminator !== undefined
      ? (issue.input as Record<string, unknown>)[issue.discriminator]
      : undefined;
  if (value === undefined) return `required: one of ${list}`;
  const closest = typeof value === "string" ? closestName(value, options) : undefined;
  return `must be one of ${list}${given(value)}${closest === undefined ? "" : `; did you mean "${closest}"?`}`;
}

function unknownKeysText(keys: readonly string[], known: readonly string[]): string {
  const described = keys.map((key) => {
    const closest = closestName(key, known);
    return closest === undefined ? `"${key}"` : `"${key}" (did you mean "${closest}"?)`;
  });
  const allowed = known.length > 0 && known.length <= 16 ? `; allowed here: ${known.join(", ")}` : "";
  return `${keys.length === 1 ? "unknown key" : "unknown keys"} ${described.join(", ")}${allowed}`;
}

function knownKeys(inst: unknown): readonly string[] {
  if (inst instanceof z.ZodObject) return Object.keys(inst.shape);
  return [];
}

function tooSmallText(origin: string, minimum: number, inclusive: boolean): string {
  switch (origin) {
    case "string":
      return minimum <= 1 ? "must not be empty" : `must be at least ${minimum} characters`;
    case "array":
    case "set":
      return minimum <= 1 ? "must list at least one entry" : `must list at least ${minimum} entries`;
    default:
      return inclusive ? `must be at least ${minimum}` : `must be greater than ${minimum}`;
  }
}

function tooBigText(origin: string, maximum: number, inclusive: boolean): string {
  switch (origin) {
    case "string":
      return `must be at most ${maximum} characters`;
    case "array":
    case "set":
      return `must list at most ${maximum} entries`;
    default:
      return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
  }
}

function formatText(format: string): string {
  switch (format) {
    case "url":
      return "must be an http(s) URL such as https://example.com";
    case "date":
      return "must be a date (YYYY-MM-DD)";
    case "datetime":
      return "must be an ISO-8601 date-time such as 2026-01-31T12:00:00Z";
    case "duration":
      return "must be an ISO-8601 duration such as P30D";
    default:
      return `must be a valid ${format}`;
  }
}

function typeWords(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
    case "map":
      return "a mapping (key: value)";
    default:
      return `a ${expected}`;
  }
}

function received(input: unknown): string {
  if (input === undefined) return "";
  if (input === null) return " (got an empty value)";
  if (Array.isArray(input)) return " (got a list)";
  if (typeof input === "object") return " (got a mapping)";
  if (typeof input === "string") return " (got text)";
  if (typeof input === "number") return Number.isInteger(input) ? " (got a number)" : ` (got ${input})`;
  return ` (got ${typeof input === "boolean" ? String(input) : typeof input})`;
}

function given(input: unknown): string {
  return typeof input === "string" || typeof input === "number" || typeof input === "boolean"
    ? ` (got ${JSON.stringify(input)})`
    : "";
}
