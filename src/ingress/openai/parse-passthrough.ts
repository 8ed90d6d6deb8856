import {
  invalid,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  present,
  type JsonRecord,
} from "./validate.js";

/**
 * Known OpenAI fields with no canonical meaning: checked lightly, then carried to an `openai-chat`
 * upstream untouched (other dialects warn or reject). Unknown fields are rejected, as OpenAI does.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
const checks = new Map<string, (body: JsonRecord, name: string) => unknown>(
  Object.entries({
    presence_penalty: (body, name) => optionalNumber(body, name, -2, 2),
    frequency_penalty: (body, name) => optionalNumber(body, name, -2, 2),
    logit_bias: (body, name) => {
      const value = body[name];
      if (!isRecord(value)) throw invalid(name, `'${name}' must be an object of token ids to numbers`);
      for (const token in value) optionalNumber(value, token, -100, 100, `${name}.${token}`);
      return value;
    },
    logprobs: (body, name) => optionalBoolean(body, name),
    top_logprobs: (body, name) => optionalInteger(body, name, 0, 20),
    store: (body, name) => optionalBoolean(body, name),
    service_tier: (body, name) => optionalString(body, name),
    reasoning_effort: (body, name) => optionalString(body, name),
    verbosity: (body, name) => optionalString(body, name),
    prompt_cache_key: (body, name) => optionalString(body, name),
    safety_identifier: (body, name) => optionalString(body, name),
    prediction: objectField,
    audio: objectField,
    web_search_options: objectField,
    modalities: (body, name) => {
      const value = body[name];
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        throw invalid(name, `'${name}' must be an array of strings`);
      }
      return value;
    },
  }),
);

function objectField(body: JsonRecord, name: string): unknown {
  const value = body[name];
  if (!isRecord(value)) throw invalid(name, `'${name}' must be an object`);
  return value;
}

export const passthroughFields: ReadonlySet<string> = new Set(checks.keys());

/** Copies the passthrough fields present in `body` into `into`, after their checks. */
export function parsePassthrough(body: JsonRecord, into: Record<string, unknown>): void {
  for (const name in body) {
    const check = checks.get(name);
    if (check === undefined || !present(body[name])) continue;
    into[name] = check(body, name);
  }
}
