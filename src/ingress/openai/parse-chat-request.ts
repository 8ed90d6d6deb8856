import type {
  AssistantMessage,
  CacheControl,
  ChatRequest,
  ContentPart,
  DocumentPart,
  Message,
  ResponseFormat,
  SystemMessage,
  TextPart,
  ToolCall,
} from "../../core/chat-request.js";
import { isBase64 } from "../../codecs/document.js";
import { GatewayError } from "../../errors/gateway-error.js";
import {
  isFunctionName,
  parseFunctionTools,
  parseToolChoice,
  type FunctionToolDialect,
} from "./function-tools.js";
import { parsePassthrough, passthroughFields } from "./parse-passthrough.js";
import {
  invalid,
  isRecord,
  missing,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  parseMetadata,
  present,
  typeName,
  unsupported,
  type JsonRecord,
} from "./validate.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Fields with a canonical meaning; everything else must be a known passthrough field. */
const canonicalFields = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "user",
  "metadata",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "n",
  "functions",
  "function_call",
]);

/**
 * Validates an OpenAI `POST /v1/chat/completions` body into the canonical request.
 * Hand-written rather than schema-driven: it runs on every request. Errors name the field at fault
 * the way OpenAI does (`messages[2].content`, `tools[0].function.name`). `null` means "not given"
 * for optional fields, as it does for OpenAI.
 *
 * `max_tokens` and `max_completion_tokens` mean the same here; both given with different values
 * is rejected, since either choice would silently ignore one of them.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isRecord(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object");
  for (const name in body) {
    if (!canonicalFields.has(name) && !passthroughFields.has(name)) {
      throw invalid(name, `Unrecognized request argument supplied: ${name}`);
    }
  }
  const model = body["model"];
  if (!present(model)) throw missing("model", "you must provide a model parameter");
  if (typeof model !== "string" || model === "") throw invalid("model", "'model' must be a non-empty string");
  const rawMessages = body["messages"];
  if (!present(rawMessages)) throw missing("messages", "Missing required parameter: 'messages'");
  if (!Array.isArray(rawMessages)) {
    throw invalid(
      "messages",
      `Invalid type for 'messages': expected an array, but got ${typeName(rawMessages)}`,
    );
  }
  if (rawMessages.length === 0) throw invalid("messages", "'messages' must contain at least one message");
  if (present(body["functions"]) || present(body["function_call"])) {
    const param = present(body["functions"]) ? "functions" : "function_call";
    throw unsupported(param, `'${param}' is deprecated and not supported; use 'tools' and 'tool_choice'`);
  }

  const stream = optionalBoolean(body, "stream") ?? false;
  const request: Mutable<ChatRequest> = {
    model,
    messages: (rawMessages as unknown[]).map(parseMessage),
    stream,
    includeUsage: false,
  };
  const passthrough: Record<string, unknown> = {};

  const streamOptions = body["stream_options"];
  if (present(streamOptions)) {
    if (!stream) {
      throw invalid(
        "stream_options",
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      );
    }
    if (!isRecord(streamOptions)) throw invalid("stream_options", "'stream_options' must be an object");
    for (const name in streamOptions) {
      if (name !== "include_usage" && name !== "include_obfuscation") {
        throw invalid(
          `stream_options.${name}`,
          `Unrecognized request argument supplied: stream_options.${name}`,
        );
      }
    }
    request.includeUsage =
      optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
    const obfuscation = optionalBoolean(
      streamOptions,
      "include_obfuscation",
      "stream_options.include_obfuscation",
    );
    if (obfuscation !== undefined) passthrough["stream_options"] = { include_obfuscation: obfuscation };
  }

  const maxTokens = optionalInteger(body, "max_tokens", 1);
  const maxCompletionTokens = optionalInteger(body, "max_completion_tokens", 1);
  if (maxTokens !== undefined && maxCompletionTokens !== undefined && maxTokens !== maxCompletionTokens) {
    throw invalid(
      "max_tokens",
      "'max_tokens' and 'max_completion_tokens' differ; send only 'max_completion_tokens'",
    );
  }
  const maxOutputTokens = maxCompletionTokens ?? maxTokens;
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;

  const temperature = optionalNumber(body, "temperature", 0, 2);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, "top_p", 0, 1);
  if (topP !== undefined) request.topP = topP;
  const stop = parseStop(body["stop"]);
  if (stop !== undefined) request.stop = stop;
  const seed = optionalInteger(body, "seed", Number.MIN_SAFE_INTEGER);
  if (seed !== undefined) request.seed = seed;
  const user = optionalString(body, "user");
  if (user !== undefined) request.user = user;
  const metadata = parseMetadata(body["metadata"]);
  if (metadata !== undefined) request.metadata = metadata;

  const n = optionalInteger(body, "n", 1);
  if (n !== undefined) {
    if (n !== 1) throw unsupported("n", "Only 'n: 1' is supported: the gateway returns one choice");
    passthrough["n"] = 1;
  }

  const tools = parseFunctionTools(body["tools"], chatTools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = parseToolChoice(body["tool_choice"], tools, chatFunctionChoice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(body, "parallel_tool_calls");
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const responseFormat = parseResponseFormat(body["response_format"]);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;

  parsePassthrough(body, passthrough);
  for (const _ in passthrough) {
    request.passthrough = { dialect: "openai-chat", fields: passthrough };
    break;
  }
  return request;
}

/** The fields OpenAI accepts on each role's messages; anything else is an error, never dropped. */
const messageFields = new Map<string, ReadonlySet<string>>([
  ["system", new Set(["role", "content", "name"])],
  ["developer", new Set(["role", "content", "name"])],
  ["user", new Set(["role", "content", "name"])],
  ["assistant", new Set(["role", "content", "name", "tool_calls", "refusal", "audio", "function_call"])],
  ["tool", new Set(["role", "content", "tool_call_id"])],
]);

function parseMessage(value: unknown, index: number): Message {
  const at = `messages[${index}]`;
  if (!isRecord(value))
    throw invalid(at, `Invalid type for '${at}': expected an object, but got ${typeName(value)}`);
  const role = value["role"];
  const allowed = typeof role === "string" ? messageFields.get(role) : undefined;
  if (allowed !== undefined) {
    for (const field in value) {
      if (!allowed.has(field)) {
        throw invalid(`${at}.${field}`, `Unrecognized field '${field}' in '${at}' (role '${String(role)}')`);
      }
    }
  }
  switch (role) {
    case "system":
    case "developer": {
      const message: Mutable<SystemMessage> = {
        role: "system",
        content: parseTextContent(value["content"], `${at}.content`),
      };
      if (role === "developer") message.originalRole = "developer";
      const cache = partsCacheControl(value["content"], `${at}.content`);
      if (cache !== undefined) message.cacheControl = cache;
      const name = optionalString(value, "name", `${at}.name`);
      if (name !== undefined) message.name = name;
      return message;
    }
    case "user": {
      const message: Mutable<Message & { role: "user" }> = {
        role: "user",
        content: parseUserContent(value["content"], `${at}.content`),
      };
      const name = optionalString(value, "name", `${at}.name`);
      if (name !== undefined) message.name = name;
      return message;
    }
    case "assistant":
      return parseAssistant(value, at);
    case "tool": {
      const id = value["tool_call_id"];
      if (typeof id !== "string" || id === "") {
        throw invalid(`${at}.tool_call_id`, `'${at}.tool_call_id' is required for messages with role 'tool'`);
      }
      return { role: "tool", toolCallId: id, content: parseTextContent(value["content"], `${at}.content`) };
    }
    case "function":
      throw unsupported(`${at}.role`, "The deprecated 'function' role is not supported; use 'tool'");
    default:
      if (!present(role)) throw invalid(`${at}.role`, `'${at}.role' is required`);
      throw invalid(
        `${at}.role`,
        `Invalid value for '${at}.role': supported values are 'developer', 'system', 'user', 'assistant' and 'tool'`,
      );
  }
}

/** System, developer and tool content: a string or text parts, joined with newlines. */
function parseTextContent(content: unknown, at: string): string {
  if (typeof content === "string") return content;
  if (!present(content)) throw invalid(at, `'${at}' is required`);
  if (!Array.isArray(content)) {
    throw invalid(at, `Invalid type for '${at}': expected a string or an array of text parts`);
  }
  let text = "";
  (content as unknown[]).forEach((part, index) => {
    const piece = parseTextPart(part, `${at}[${index}]`);
    text = index === 0 ? piece : `${text}\n${piece}`;
  });
  return text;
}

/**
 * `cache_control` on a text part: not OpenAI's, but the convention OpenRouter and LiteLLM document for
 * Claude behind an OpenAI-style API, so OpenAI clients can place prompt-cache breakpoints. Anthropic's
 * shape: `{type: "ephemeral", ttl?: "5m" | "1h"}`.
 * @see https://openrouter.ai/docs/features/prompt-caching
 */
function cacheControlOf(part: Record<string, unknown>, at: string): CacheControl | undefined {
  const value = part["cache_control"];
  if (!present(value)) return undefined;
  if (!isRecord(value) || value["type"] !== "ephemeral") {
    throw invalid(`${at}.cache_control.type`, `'${at}.cache_control.type' must be 'ephemeral'`);
  }
  const ttl = value["ttl"];
  if (!present(ttl)) return { type: "ephemeral" };
  if (ttl !== "5m" && ttl !== "1h")
    throw invalid(`${at}.cache_control.ttl`, `'${at}.cache_control.ttl' must be '5m' or '1h'`);
  return { type: "ephemeral", ttl };
}

/** A system message's breakpoint: the last one its parts carry (the message is one block downstream). */
function partsCacheControl(content: unknown, at: string): CacheControl | undefined {
  if (!Array.isArray(content)) return undefined;
  let found: CacheControl | undefined;
  (content as unknown[]).forEach((part, index) => {
    if (isRecord(part)) found = cacheControlOf(part, `${at}[${index}]`) ?? found;
  });
  return found;
}

function parseTextPart(part: unknown, at: string): string {
  if (!isRecord(part)) throw invalid(at, `Invalid type for '${at}': expected an object`);
  if (part["type"] !== "text")
    throw invalid(`${at}.type`, `Invalid value for '${at}.type': only 'text' parts are allowed here`);
  const text = part["text"];
  if (typeof text !== "string") throw invalid(`${at}.text`, `'${at}.text' must be a string`);
  return text;
}

const fileFields = new Set(["file_data", "file_id", "filename"]);

/**
 * A `file` part: a PDF inline as `file_data` (`data:application/pdf;base64,...`), named by `filename`.
 * A `file_id` names a file uploaded to OpenAI, which no other cloud can read: a 400 naming it.
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function parseFilePart(part: Record<string, unknown>, at: string): DocumentPart {
  const fileAt = `${at}.file`;
  const file = part["file"];
  if (!isRecord(file)) throw invalid(fileAt, `'${fileAt}' must be an object`);
  for (const name in file)
    if (!fileFields.has(name))
      throw invalid(`${fileAt}.${name}`, `Unrecognized request argument supplied: ${fileAt}.${name}`);
  if (present(file["file_id"]))
    throw unsupported(
      `${fileAt}.file_id`,
      "Uploaded files (file_id) are not supported by this gateway: send the PDF inline as file_data",
    );
  const data = file["file_data"];
  const dataAt = `${fileAt}.file_data`;
  if (!present(data)) throw invalid(dataAt, `'${dataAt}' is required`);
  if (typeof data !== "string") throw invalid(dataAt, `'${dataAt}' must be a string`);
  const match = /^data:application\/pdf;base64,(.*)$/s.exec(data);
  if (match === null)
    throw invalid(dataAt, `'${dataAt}' must be a data URL of a PDF: data:application/pdf;base64,...`);
  const bytes = match[1] ?? "";
  if (bytes === "" || !isBase64(bytes)) throw invalid(dataAt, `'${dataAt}' is not valid base64`);
  const filename = file["filename"];
  const document: DocumentPart = { type: "document", url: data };
  const cache = cacheControlOf(part, at);
  if (present(filename) && typeof filename !== "string")
    throw invalid(`${fileAt}.filename`, `'${fileAt}.filename' must be a string`);
  const titled =
    typeof filename === "string" && filename !== "" ? { ...document, title: filename } : document;
  return cache === undefined ? titled : { ...titled, cacheControl: cache };
}

function parseUserContent(content: unknown, at: string): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!present(content)) throw invalid(at, `'${at}' is required`);
  if (!Array.isArray(content))
    throw invalid(at, `Invalid type for '${at}': expected a string or an array of parts`);
  if (content.length === 0) throw invalid(at, `'${at}' must not be an empty array`);
  return (content as unknown[]).map((part, index): ContentPart => {
    const partAt = `${at}[${index}]`;
    if (!isRecord(part)) throw invalid(partAt, `Invalid type for '${partAt}': expected an object`);
    switch (part["type"]) {
      case "text": {
        const cache = cacheControlOf(part, partAt);
        const text = parseTextPart(part, partAt);
        return cache === undefined ? { type: "text", text } : { type: "text", text, cacheControl: cache };
      }
      case "image_url": {
        const image = part["image_url"];
        if (!isRecord(image)) throw invalid(`${partAt}.image_url`, `'${partAt}.image_url' must be an object`);
        const url = image["url"];
        if (typeof url !== "string" || url === "") {
          throw invalid(`${partAt}.image_url.url`, `'${partAt}.image_url.url' must be a non-empty string`);
        }
        const detail = image["detail"];
        if (!present(detail)) return { type: "image", url };
        if (detail !== "auto" && detail !== "low" && detail !== "high") {
          throw invalid(
            `${partAt}.image_url.detail`,
            `'${partAt}.image_url.detail' must be 'auto', 'low' or 'high'`,
          );
        }
        return { type: "image", url, detail };
      }
      case "file":
        return parseFilePart(part, partAt);
      case "input_audio":
        throw unsupported(
          partAt,
          `Content parts of type '${part["type"]}' are not supported by this gateway`,
        );
      default:
        throw invalid(
          `${partAt}.type`,
          `Invalid value for '${partAt}.type': supported values are 'text', 'image_url', 'input_audio' and 'file'`,
        );
    }
  });
}

function parseAssistant(value: JsonRecord, at: string): AssistantMessage {
  if (present(value["function_call"])) {
    throw unsupported(
      `${at}.function_call`,
      "The deprecated 'function_call' is not supported; use 'tool_calls'",
    );
  }
  if (present(value["audio"]))
    throw unsupported(`${at}.audio`, "Assistant audio is not supported by this gateway");
  const raw = value["content"];
  let content: TextPart[];
  if (typeof raw === "string") {
    content = [{ type: "text", text: raw }];
  } else if (!present(raw)) {
    content = [];
  } else if (Array.isArray(raw)) {
    content = (raw as unknown[]).map((part, index): TextPart => {
      const partAt = `${at}.content[${index}]`;
      // A refusal the model gave earlier is, for the next turn, just what it said.
      if (isRecord(part) && part["type"] === "refusal" && typeof part["refusal"] === "string") {
        return { type: "text", text: part["refusal"] };
      }
      return { type: "text", text: parseTextPart(part, partAt) };
    });
  } else {
    throw invalid(`${at}.content`, `Invalid type for '${at}.content': expected a string, an array or null`);
  }
  const refusal = optionalString(value, "refusal", `${at}.refusal`);
  if (content.length === 0 && refusal !== undefined) content = [{ type: "text", text: refusal }];
  const toolCalls = parseToolCalls(value["tool_calls"], `${at}.tool_calls`);
  if (content.length === 0 && toolCalls === undefined) {
    throw invalid(`${at}.content`, `'${at}.content' is required unless 'tool_calls' is given`);
  }
  const message: Mutable<AssistantMessage> = { role: "assistant", content };
  if (toolCalls !== undefined) message.toolCalls = toolCalls;
  const name = optionalString(value, "name", `${at}.name`);
  if (name !== undefined) message.name = name;
  return message;
}

function parseToolCalls(value: unknown, at: string): ToolCall[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid(at, `Invalid type for '${at}': expected an array`);
  if (value.length === 0) return undefined;
  return (value as unknown[]).map((call, index) => {
    const callAt = `${at}[${index}]`;
    if (!isRecord(call)) throw invalid(callAt, `Invalid type for '${callAt}': expected an object`);
    const id = call["id"];
    if (typeof id !== "string" || id === "")
      throw invalid(`${callAt}.id`, `'${callAt}.id' must be a non-empty string`);
    if (present(call["type"]) && call["type"] !== "function") {
      throw unsupported(`${callAt}.type`, `Only 'function' tool calls are supported`);
    }
    const fn = call["function"];
    if (!isRecord(fn)) throw invalid(`${callAt}.function`, `'${callAt}.function' must be an object`);
    const name = fn["name"];
    if (typeof name !== "string" || name === "") {
      throw invalid(`${callAt}.function.name`, `'${callAt}.function.name' must be a non-empty string`);
    }
    const args = fn["arguments"];
    if (typeof args !== "string") {
      throw invalid(`${callAt}.function.arguments`, `'${callAt}.function.arguments' must be a string`);
    }
    return { id, name, arguments: args };
  });
}

function parseStop(value: unknown): string[] | undefined {
  if (!present(value)) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw invalid("stop", "'stop' must be a string or an array of strings");
  if (value.length > 4) throw invalid("stop", "'stop' accepts at most 4 sequences");
  (value as unknown[]).forEach((item, index) => {
    if (typeof item !== "string") throw invalid(`stop[${index}]`, `'stop[${index}]' must be a string`);
  });
  return value.length === 0 ? undefined : (value as string[]);
}

/** Chat tools nest the function: `{type: "function", function: {name, parameters}}`. */
const chatTools: FunctionToolDialect = {
  unsupportedType: (type) =>
    type === "custom" ? "Custom tools are not supported; use 'function'" : undefined,
  functionOf(tool, at) {
    const fn = tool["function"];
    if (!isRecord(fn)) throw invalid(`${at}.function`, `'${at}.function' must be an object`);
    return { fields: fn, at: `${at}.function` };
  },
};

function chatFunctionChoice(choice: JsonRecord): { name: string; param: string } {
  if (choice["type"] === "allowed_tools" || choice["type"] === "custom") {
    throw unsupported("tool_choice", `'tool_choice' of type '${String(choice["type"])}' is not supported`);
  }
  const fn = choice["function"];
  if (choice["type"] !== "function" || !isRecord(fn) || typeof fn["name"] !== "string") {
    throw invalid("tool_choice", "'tool_choice' must be {type: 'function', function: {name}}");
  }
  return { name: fn["name"], param: "tool_choice" };
}

function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (!present(value)) return undefined;
  if (!isRecord(value)) throw invalid("response_format", "'response_format' must be an object");
  switch (value["type"]) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json" };
    case "json_schema": {
      const schema = value["json_schema"];
      const at = "response_format.json_schema";
      if (!isRecord(schema)) throw invalid(at, `'${at}' is required when type is 'json_schema'`);
      const name = schema["name"];
      if (!present(name)) throw invalid(`${at}.name`, `'${at}.name' is required`);
      if (typeof name !== "string" || !isFunctionName(name)) {
        throw invalid(`${at}.name`, `'${at}.name' must be 1-64 characters of a-z, A-Z, 0-9, _ and -`);
      }
      const format: Mutable<ResponseFormat & { type: "json-schema" }> = { type: "json-schema", name };
      const description = optionalString(schema, "description", `${at}.description`);
      if (description !== undefined) format.description = description;
      const body = schema["schema"];
      if (present(body)) {
        if (!isRecord(body)) throw invalid(`${at}.schema`, `'${at}.schema' must be an object`);
        format.schema = body;
      }
      const strict = optionalBoolean(schema, "strict", `${at}.strict`);
      if (strict !== undefined) format.strict = strict;
      return format;
    }
    default:
      throw invalid(
        "response_format.type",
        "Invalid value for 'response_format.type': supported values are 'text', 'json_object' and 'json_schema'",
      );
  }
}
