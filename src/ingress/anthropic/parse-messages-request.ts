import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { parseCacheControl, parseMessages, parseSystem } from "./parse-messages.js";
import {
  choices,
  integerAtLeast,
  invalid,
  isRecord,
  missing,
  optionalBoolean,
  optionalInteger,
  optionalLiteral,
  optionalNumber,
  optionalString,
  present,
  rejectExtra,
  requireObject,
  requireString,
  unsupported,
  type JsonRecord,
} from "./validate.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a top-level field becomes. */
type FieldRole = "canonical" | "passthrough" | "unsupported";

/**
 * `POST /v1/messages` fields. Passthrough fields have no canonical meaning and travel to a codec of
 * Anthropic's dialect untouched (others warn or reject). Unsupported ones are real Anthropic fields for
 * features that live on Anthropic's servers (containers, MCP connectors, context editing).
 */
const messagesFields = new Map<string, FieldRole>([
  ["model", "canonical"],
  ["max_tokens", "canonical"],
  ["messages", "canonical"],
  ["system", "canonical"],
  ["stream", "canonical"],
  ["stop_sequences", "canonical"],
  ["temperature", "canonical"],
  ["top_p", "canonical"],
  ["metadata", "canonical"],
  ["tools", "canonical"],
  ["tool_choice", "canonical"],
  ["output_config", "canonical"],
  ["top_k", "passthrough"],
  ["thinking", "passthrough"],
  ["service_tier", "passthrough"],
  ["cache_control", "passthrough"],
  ["inference_geo", "passthrough"],
  ["speed", "passthrough"],
  ["container", "unsupported"],
  ["mcp_servers", "unsupported"],
  ["context_management", "unsupported"],
  ["diagnostics", "unsupported"],
  ["user_profile_id", "unsupported"],
  ["workspace_id", "unsupported"],
]);

/** `POST /v1/messages/count_tokens` takes the prompt side only. */
const countTokensFields = new Map<string, FieldRole>([
  ["model", "canonical"],
  ["messages", "canonical"],
  ["system", "canonical"],
  ["tools", "canonical"],
  ["tool_choice", "canonical"],
  ["output_config", "canonical"],
  ["thinking", "passthrough"],
  ["cache_control", "passthrough"],
  ["speed", "passthrough"],
  ["mcp_servers", "unsupported"],
  ["context_management", "unsupported"],
  ["user_profile_id", "unsupported"],
  ["workspace_id", "unsupported"],
]);

/**
 * Validates an Anthropic `POST /v1/messages` body into the canonical request. Hand-written like the
 * OpenAI validator (it runs on every request); errors name the field by its dotted path and are
 * worded like Anthropic's. A streamed answer always reports usage: Anthropic's stream always does.
 * @see https://docs.claude.com/en/api/messages
 */
export function parseMessagesRequest(body: unknown): ChatRequest {
  return parseBody(body, messagesFields, true);
}

/**
 * Validates an Anthropic `POST /v1/messages/count_tokens` body into a canonical request (without
 * output settings), the shape the token counter reads.
 * @see https://docs.claude.com/en/api/messages-count-tokens
 */
export function parseCountTokensRequest(body: unknown): ChatRequest {
  return parseBody(body, countTokensFields, false);
}

function parseBody(body: unknown, fields: ReadonlyMap<string, FieldRole>, generates: boolean): ChatRequest {
  if (!isRecord(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object");
  for (const name in body) {
    const role = fields.get(name);
    if (role === undefined) throw invalid(name, "Extra inputs are not permitted");
    if (role === "unsupported" && present(body[name])) {
      throw unsupported(name, "this Anthropic feature is not supported by this gateway");
    }
  }
  const model = body["model"];
  if (!present(model)) throw missing("model");
  if (typeof model !== "string") throw invalid("model", "Input should be a valid string");
  if (model === "") throw invalid("model", "String should have at least 1 character");
  let maxTokens: number | undefined;
  if (generates) {
    if (!present(body["max_tokens"])) throw missing("max_tokens");
    maxTokens = integerAtLeast(body["max_tokens"], "max_tokens", 1);
  }
  const messages = [...parseSystem(body["system"]), ...parseMessages(body["messages"])];
  const stream = optionalBoolean(body, "stream", "") ?? false;
  const request: Mutable<ChatRequest> = { model, messages, stream, includeUsage: stream };
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;

  const temperature = optionalNumber(body, "temperature", "", 0, 1);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, "top_p", "", 0, 1);
  if (topP !== undefined) request.topP = topP;
  const stop = parseStopSequences(body["stop_sequences"]);
  if (stop !== undefined) request.stop = stop;
  const user = parseMetadata(body["metadata"]);
  if (user !== undefined) request.user = user;

  const tools = parseTools(body["tools"]);
  if (tools !== undefined) request.tools = tools;
  const choice = parseToolChoice(body["tool_choice"], tools);
  if (choice?.toolChoice !== undefined) request.toolChoice = choice.toolChoice;
  if (choice?.parallel === false) request.parallelToolCalls = false;

  const passthrough: Record<string, unknown> = {};
  const output = parseOutputConfig(body["output_config"]);
  if (output?.format !== undefined) request.responseFormat = output.format;
  if (output?.rest !== undefined) passthrough["output_config"] = output.rest;
  parsePassthrough(body, fields, passthrough);
  for (const _ in passthrough) {
    request.passthrough = { dialect: "anthropic-messages", fields: passthrough };
    break;
  }
  return request;
}

function parseStopSequences(value: unknown): string[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid("stop_sequences", "Input should be a valid list");
  const sequences = (value as unknown[]).map((item, index) => {
    if (typeof item !== "string") throw invalid(`stop_sequences.${index}`, "Input should be a valid string");
    return item;
  });
  return sequences.length === 0 ? undefined : sequences;
}

/** Anthropic's `metadata` has one field, `user_id`: the canonical end-user id. */
function parseMetadata(value: unknown): string | undefined {
  if (!present(value)) return undefined;
  const metadata = requireObject(value, "metadata");
  rejectExtra(metadata, new Set(["user_id"]), "metadata");
  return optionalString(metadata, "user_id", "metadata");
}

const clientToolFields = new Set(["type", "name", "description", "input_schema", "cache_control", "strict"]);
/** Client-tool fields for Anthropic-side features (tool search, programmatic calls): no canonical form. */
const unsupportedToolFields = new Set([
  "defer_loading",
  "input_examples",
  "allowed_callers",
  "eager_input_streaming",
]);

/**
 * Client tools only. Anthropic's server tools (web search, code execution, bash, text editor, memory…)
 * run on Anthropic's servers, so no other cloud can serve them: a clear 400.
 */
function parseTools(value: unknown): ToolDefinition[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid("tools", "Input should be a valid list");
  const names = new Set<string>();
  return (value as unknown[]).map((item, index): ToolDefinition => {
    const at = `tools.${index}`;
    const tool = requireObject(item, at);
    const type = tool["type"];
    if (present(type) && type !== "custom") {
      if (typeof type !== "string") throw invalid(`${at}.type`, "Input should be a valid string");
      throw unsupported(
        `${at}.type`,
        `server tool '${type}' is not supported by this gateway; only client tools (name, description, input_schema) are`,
      );
    }
    for (const field in tool) {
      if (unsupportedToolFields.has(field) && present(tool[field])) {
        throw unsupported(`${at}.${field}`, "this Anthropic tool feature is not supported by this gateway");
      }
      if (!clientToolFields.has(field) && !unsupportedToolFields.has(field)) {
        throw invalid(`${at}.${field}`, "Extra inputs are not permitted");
      }
    }
    const name = requireString(tool["name"], `${at}.name`);
    if (!isToolName(name)) {
      throw invalid(`${at}.name`, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
    }
    if (names.has(name)) throw invalid("tools", `Tool names must be unique; '${name}' is repeated`);
    names.add(name);
    if (!present(tool["input_schema"])) throw missing(`${at}.input_schema`);
    const schema = requireObject(tool["input_schema"], `${at}.input_schema`);
    if (schema["type"] !== "object") throw invalid(`${at}.input_schema.type`, "Input should be 'object'");
    const definition: Mutable<ToolDefinition> = { name, parameters: schema };
    const cache = parseCacheControl(tool, at);
    if (cache !== undefined) definition.cacheControl = cache;
    const description = optionalString(tool, "description", at);
    if (description !== undefined) definition.description = description;
    const strict = optionalBoolean(tool, "strict", at);
    if (strict !== undefined) definition.strict = strict;
    return definition;
  });
}

function isToolName(name: string): boolean {
  if (name.length === 0 || name.length > 128) return false;
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
    if (!ok) return false;
  }
  return true;
}

const toolChoiceTypes = ["auto", "any", "tool", "none"] as const;

/**
 * `auto` / `any` / `tool` / `none` → canonical auto / required / tool / none, and
 * `disable_parallel_tool_use: true` → `parallelToolCalls: false`. Without tools, `auto` and `none`
 * mean what no tool choice means and are left out (OpenAI-style upstreams reject a tool choice
 * without tools); `any` and `tool` cannot be honoured and are rejected.
 */
function parseToolChoice(
  value: unknown,
  tools: readonly ToolDefinition[] | undefined,
): { toolChoice?: ToolChoice; parallel?: boolean } | undefined {
  if (!present(value)) return undefined;
  const choice = requireObject(value, "tool_choice");
  const type = choice["type"];
  if (!present(type)) throw missing("tool_choice.type");
  if (typeof type !== "string" || !(toolChoiceTypes as readonly string[]).includes(type)) {
    throw invalid("tool_choice.type", `Input should be ${choices(toolChoiceTypes)}`);
  }
  const allowed =
    type === "none"
      ? ["type"]
      : type === "tool"
        ? ["type", "name", "disable_parallel_tool_use"]
        : ["type", "disable_parallel_tool_use"];
  rejectExtra(choice, new Set(allowed), "tool_choice");
  const disable = optionalBoolean(choice, "disable_parallel_tool_use", "tool_choice");
  const result: { toolChoice?: ToolChoice; parallel?: boolean } = {};
  if (disable === true) result.parallel = false;
  const hasTools = tools !== undefined && tools.length > 0;
  switch (type) {
    case "auto":
    case "none":
      if (hasTools) result.toolChoice = { type };
      return result;
    case "any":
      if (!hasTools) throw invalid("tool_choice", "tool_choice 'any' requires tools");
      result.toolChoice = { type: "required" };
      return result;
    default: {
      const name = requireString(choice["name"], "tool_choice.name");
      if (!hasTools || !tools.some((tool) => tool.name === name)) {
        throw invalid("tool_choice.name", `Tool '${name}' not found in tools`);
      }
      result.toolChoice = { type: "tool", name };
      return result;
    }
  }
}

/**
 * `output_config.format` (structured output) is the canonical JSON-schema response format; the rest
 * of `output_config` (`effort`) has no canonical meaning and travels as passthrough.
 */
function parseOutputConfig(value: unknown): { format?: ResponseFormat; rest?: JsonRecord } | undefined {
  if (!present(value)) return undefined;
  const config = requireObject(value, "output_config");
  rejectExtra(config, new Set(["format", "effort"]), "output_config");
  const result: { format?: ResponseFormat; rest?: JsonRecord } = {};
  const effort = optionalLiteral(config, "effort", "output_config", [
    "low",
    "medium",
    "high",
    "xhigh",
    "max",
  ]);
  if (effort !== undefined) result.rest = { effort };
  const format = config["format"];
  if (!present(format)) return result;
  const at = "output_config.format";
  const record = requireObject(format, at);
  rejectExtra(record, new Set(["type", "schema"]), at);
  if (record["type"] !== "json_schema") {
    if (!present(record["type"])) throw missing(`${at}.type`);
    throw invalid(`${at}.type`, "Input should be 'json_schema'");
  }
  if (!present(record["schema"])) throw missing(`${at}.schema`);
  // The canonical format needs a name (OpenAI's json_schema has one); Anthropic's has none.
  result.format = {
    type: "json-schema",
    name: "output",
    schema: requireObject(record["schema"], `${at}.schema`),
  };
  return result;
}

/**
 * The passthrough fields present, lightly checked: the Anthropic-dialect upstream that receives them
 * validates them fully.
 */
function parsePassthrough(body: JsonRecord, fields: ReadonlyMap<string, FieldRole>, into: JsonRecord): void {
  for (const name in body) {
    if (fields.get(name) !== "passthrough" || !present(body[name])) continue;
    switch (name) {
      case "top_k":
        into[name] = optionalInteger(body, name, "", 0);
        break;
      case "thinking":
        into[name] = parseThinking(body[name]);
        break;
      case "service_tier":
        into[name] = optionalLiteral(body, name, "", ["auto", "standard_only"]);
        break;
      case "speed":
        into[name] = optionalLiteral(body, name, "", ["standard", "fast"]);
        break;
      case "inference_geo":
        into[name] = optionalString(body, name, "");
        break;
      default:
        into[name] = requireObject(body[name], name);
    }
  }
}

function parseThinking(value: unknown): JsonRecord {
  const thinking = requireObject(value, "thinking");
  const type = thinking["type"];
  if (!present(type)) throw missing("thinking.type");
  if (type === "enabled") {
    if (!present(thinking["budget_tokens"])) throw missing("thinking.budget_tokens");
    integerAtLeast(thinking["budget_tokens"], "thinking.budget_tokens", 1024);
  } else if (type !== "disabled" && type !== "adaptive") {
    throw invalid("thinking.type", "Input should be 'enabled', 'disabled' or 'adaptive'");
  }
  return thinking;
}
