import { hash32 } from "./hashing.js";

type Schema = Record<string, unknown>;

/** Deterministic sample values for string properties are words taken from this text. */
export interface SampleContext {
  text: string;
}

const MAX_DEPTH = 8;

/**
 * Builds a value that validates against a JSON schema (the subset OpenAI accepts for tools
 * and structured outputs): required properties filled, strings from the user's words,
 * numbers 42 (clamped to bounds), booleans true, enums/consts their first value.
 */
export function sampleFromSchema(schema: unknown, context: SampleContext): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(root, root, context, "$", 0);
}

function sample(schema: Schema, root: Schema, context: SampleContext, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  const ref = schema["$ref"];
  if (typeof ref === "string") {
    const target = resolveRef(root, ref);
    return target === undefined ? null : sample(target, root, context, path, depth + 1);
  }
  if ("const" in schema) return schema["const"];
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0] as unknown;
  for (const key of ["anyOf", "oneOf"]) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const first: unknown = (options as unknown[]).find(
        (option) => isSchema(option) && option["type"] !== "null",
      );
      if (isSchema(first)) return sample(first, root, context, path, depth + 1);
    }
  }
  const allOf = schema["allOf"];
  if (Array.isArray(allOf)) {
    const merged = Object.assign({}, ...allOf.filter(isSchema), { allOf: undefined }) as Schema;
    return sample(merged, root, context, path, depth + 1);
  }
  switch (typeOf(schema)) {
    case "string":
      return sampleString(schema, context, path);
    case "integer":
      return clampNumber(schema, 42, true);
    case "number":
      return clampNumber(schema, 42, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array":
      return sampleArray(schema, root, context, path, depth);
    default:
      return sampleObject(schema, root, context, path, depth);
  }
}

function typeOf(schema: Schema): string {
  const type = schema["type"];
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const first: unknown = (type as unknown[]).find((entry) => entry !== "null");
    if (typeof first === "string") return first;
  }
  if (isSchema(schema["items"])) return "array";
  return "object";
}

function sampleObject(schema: Schema, root: Schema, context: SampleContext, path: string, depth: number) {
  const properties = isSchema(schema["properties"]) ? schema["properties"] : {};
  const required = Array.isArray(schema["required"]) ? schema["required"] : [];
  const out: Record<string, unknown> = {};
  for (const name of required) {
    if (typeof name !== "string") continue;
    const property = properties[name];
    out[name] = sample(isSchema(property) ? property : {}, root, context, `${path}.${name}`, depth + 1);
  }
  return out;
}

function sampleArray(schema: Schema, root: Schema, context: SampleContext, path: string, depth: number) {
  const items = isSchema(schema["items"]) ? schema["items"] : {};
  const minItems = typeof schema["minItems"] === "number" ? schema["minItems"] : 1;
  const maxItems = typeof schema["maxItems"] === "number" ? schema["maxItems"] : Infinity;
  const length = Math.min(Math.max(minItems, 1), maxItems);
  return Array.from({ length }, (_, index) => sample(items, root, context, `${path}[${index}]`, depth + 1));
}

const FORMAT_SAMPLES: Record<string, string> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "00:00:00",
  email: "user@example.com",
  uri: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  hostname: "example.com",
  ipv4: "192.0.2.1",
};

function sampleString(schema: Schema, context: SampleContext, path: string): string {
  const format = schema["format"];
  let value =
    typeof format === "string" && FORMAT_SAMPLES[format] !== undefined ? FORMAT_SAMPLES[format] : "";
  if (value === "") {
    const words = context.text.match(/[\p{L}\p{N}]{3,}/gu) ?? [];
    value = words.length === 0 ? "sample" : (words[hash32(path) % words.length] ?? "sample");
  }
  const minLength = typeof schema["minLength"] === "number" ? schema["minLength"] : 0;
  const maxLength = typeof schema["maxLength"] === "number" ? schema["maxLength"] : Infinity;
  while (value.length < minLength) value += "x";
  return value.slice(0, maxLength);
}

function clampNumber(schema: Schema, preferred: number, integer: boolean): number {
  let value = preferred;
  const minimum = numberOr(schema["minimum"], numberOr(schema["exclusiveMinimum"], -Infinity, 1));
  const maximum = numberOr(schema["maximum"], numberOr(schema["exclusiveMaximum"], Infinity, -1));
  if (value < minimum) value = minimum;
  if (value > maximum) value = maximum;
  return integer ? Math.ceil(value) : value;
}

function numberOr(value: unknown, fallback: number, nudge = 0): number {
  return typeof value === "number" ? value + nudge : fallback;
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(2).split("/")) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
