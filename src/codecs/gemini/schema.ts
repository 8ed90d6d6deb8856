import { isObject, type JsonObject } from "./wire.js";

/**
 * The keywords of Gemini's `Schema` (an OpenAPI 3.0 subset). `FunctionDeclaration.parameters` rejects
 * any other keyword with INVALID_ARGUMENT ("Unknown name "additionalProperties"…").
 * @see https://ai.google.dev/api/caching#Schema
 */
const keywords = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);

/** JSON Schema features the OpenAPI subset cannot express by dropping a keyword. */
function needsJsonSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(needsJsonSchema);
  if (!isObject(schema)) return false;
  for (const key in schema) {
    if (key === "$ref" || key === "$defs" || key === "definitions" || key === "oneOf" || key === "allOf")
      return true;
    if (needsJsonSchema(schema[key])) return true;
  }
  return false;
}

function clean(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in schema) {
    const value = schema[key];
    if (key === "const") {
      out["enum"] = [value];
    } else if (key === "type" && Array.isArray(value)) {
      // ["string","null"] → type string, nullable.
      const types = value.filter((type) => type !== "null");
      if (types.length !== value.length) out["nullable"] = true;
      if (types.length === 1) out["type"] = types[0];
      else if (types.length > 1) out["anyOf"] = types.map((type: unknown) => ({ type }));
    } else if (key === "enum" && Array.isArray(value)) {
      // Gemini enums are strings; a null member is what `nullable` says.
      const members = value.filter((member) => member !== null);
      if (members.length !== value.length) out["nullable"] = true;
      out["enum"] = members;
    } else if (key === "properties" && isObject(value)) {
      const properties: JsonObject = {};
      for (const name in value) {
        const property = value[name];
        properties[name] = isObject(property) ? clean(property) : property;
      }
      out["properties"] = properties;
    } else if (key === "items" && isObject(value)) {
      out["items"] = clean(value);
    } else if (key === "anyOf" && Array.isArray(value)) {
      out["anyOf"] = value.map((branch: unknown) => (isObject(branch) ? clean(branch) : branch));
    } else if (keywords.has(key)) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * A tool's JSON Schema → the declaration field that carries it. Most schemas fit Gemini's OpenAPI
 * subset once the keywords it rejects (`additionalProperties`, `$schema`, `strict`…) are dropped and
 * `const` / type unions are rewritten: they go in `parameters`, which every Gemini model accepts.
 * Schemas with references or `oneOf`/`allOf` go unchanged in `parametersJsonSchema` (Gemini 2.5 and
 * later), since flattening them would change what they mean.
 * @see https://ai.google.dev/api/caching#FunctionDeclaration
 */
export function functionParameters(schema: Readonly<JsonObject>): { field: string; value: JsonObject } {
  if (needsJsonSchema(schema)) return { field: "parametersJsonSchema", value: { ...schema } };
  return { field: "parameters", value: clean(schema) };
}
