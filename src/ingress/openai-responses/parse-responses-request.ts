import type {
  AssistantMessage,
  ChatRequest,
  ContentPart,
  DocumentPart,
  Message,
  ResponseFormat,
  TextPart,
} from "../../core/chat-request.js";
import { isBase64 } from "../../codecs/document.js";
import { GatewayError } from "../../errors/gateway-error.js";
import {
  isFunctionName,
  parseFunctionTools,
  parseToolChoice,
  type FunctionToolDialect,
} from "../openai/function-tools.js";
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
} from "../openai/validate.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A `POST /v1/responses` body, validated: the canonical parts, and what the response object echoes. */
export interface ResponsesRequest {
  readonly model: string;
  readonly stream: boolean;
  /** This turn's input as canonical messages (without the instructions). */
  readonly input: readonly Message[];
  readonly instructions?: string;
  readonly previousResponseId?: string;
  /** False only when the client said `store: false`. */
  readonly store: boolean;
  /** Each `function_call_output` of the input: its call id and its index in `input`, for the match check. */
  readonly toolOutputs: readonly { readonly callId: string; readonly index: number }[];
  /** The canonical request fields other than the messages. */
  readonly options: Omit<ChatRequest, "model" | "messages" | "stream" | "includeUsage">;
  /** Request fields the response object repeats, in the client's own words. */
  readonly echo: ResponseEcho;
}

export interface ResponseEcho {
  readonly tools: readonly unknown[];
  readonly toolChoice: unknown;
  readonly parallelToolCalls: boolean;
  readonly text: { format: unknown; verbosity?: unknown };
  readonly reasoning: unknown;
  readonly metadata: Readonly<Record<string, string>>;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly maxOutputTokens: number | null;
  readonly user?: string;
  readonly truncation: "disabled";
}

/** Fields of the Responses API the gateway takes; `null` means "not given", as for OpenAI. */
const knownFields = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "text",
  "max_output_tokens",
  "temperature",
  "top_p",
  "reasoning",
  "metadata",
  "user",
  "store",
  "stream",
  "stream_options",
  "previous_response_id",
  "truncation",
  "include",
  "service_tier",
  "safety_identifier",
  "prompt_cache_key",
]);

/** Fields of the Responses API that need state or tools the gateway does not have. */
const unsupportedFields = new Set([
  "background",
  "conversation",
  "prompt",
  "max_tool_calls",
  "top_logprobs",
  "prompt_cache_retention",
  "context_management",
]);

/** Input item types of the Responses API that belong to OpenAI's hosted tools and state. */
const hostedItemTypes = new Set([
  "item_reference",
  "file_search_call",
  "web_search_call",
  "computer_call",
  "computer_call_output",
  "image_generation_call",
  "code_interpreter_call",
  "local_shell_call",
  "local_shell_call_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "custom_tool_call",
  "custom_tool_call_output",
  "compaction",
]);

/** OpenAI's hosted tool types: they run inside OpenAI, so no other cloud can take them. */
const hostedToolTypes = new Set([
  "file_search",
  "web_search",
  "web_search_preview",
  "web_search_2025_08_26",
  "web_search_preview_2025_03_11",
  "computer_use_preview",
  "computer",
  "mcp",
  "code_interpreter",
  "image_generation",
  "local_shell",
  "shell",
  "apply_patch",
  "custom",
]);

/**
 * Validates an OpenAI `POST /v1/responses` body. Like the Chat Completions parser it is hand-written,
 * rejects what it does not know (never drops it) and names the field at fault (`input[2].content[0].type`).
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isRecord(body)) throw new GatewayError("invalid_request", "The request body must be a JSON object");
  for (const name in body) {
    if (unsupportedFields.has(name)) {
      if (present(body[name]))
        throw unsupported(name, `'${name}' is not supported by this gateway's Responses API`);
    } else if (!knownFields.has(name)) {
      throw invalid(name, `Unrecognized request argument supplied: ${name}`);
    }
  }
  const model = body["model"];
  if (!present(model)) throw missing("model", "Missing required parameter: 'model'.");
  if (typeof model !== "string" || model === "") throw invalid("model", "'model' must be a non-empty string");

  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = body["stream_options"];
  if (present(streamOptions)) {
    if (!stream) throw invalid("stream_options", "'stream_options' is only allowed when 'stream' is true");
    if (!isRecord(streamOptions)) throw invalid("stream_options", "'stream_options' must be an object");
    for (const name in streamOptions) {
      if (name !== "include_obfuscation")
        throw invalid(`stream_options.${name}`, `Unrecognized argument: stream_options.${name}`);
    }
    optionalBoolean(streamOptions, "include_obfuscation", "stream_options.include_obfuscation");
  }

  const { messages: input, toolOutputs } = parseInput(body["input"]);
  const instructions = optionalString(body, "instructions");
  if (input.length === 0 && (instructions === undefined || instructions === "")) {
    throw missing("input", "Missing required parameter: 'input'.");
  }
  const previousResponseId = optionalString(body, "previous_response_id");
  if (previousResponseId === "")
    throw invalid("previous_response_id", "'previous_response_id' must be a non-empty string");
  const store = optionalBoolean(body, "store") ?? true;

  const truncation = body["truncation"];
  if (present(truncation) && truncation !== "disabled") {
    if (truncation === "auto")
      throw unsupported("truncation", "'truncation: auto' is not supported; the gateway never drops input");
    throw invalid("truncation", "Invalid value for 'truncation': supported values are 'auto' and 'disabled'");
  }
  const include = body["include"];
  if (present(include)) {
    if (!Array.isArray(include)) throw invalid("include", "'include' must be an array of strings");
    (include as unknown[]).forEach((value, index) => {
      if (typeof value !== "string")
        throw invalid(`include[${index}]`, `'include[${index}]' must be a string`);
      throw unsupported(`include[${index}]`, `'include' value '${value}' is not supported by this gateway`);
    });
  }

  const options: Mutable<ResponsesRequest["options"]> = {};
  const maxOutputTokens = optionalInteger(body, "max_output_tokens", 16);
  if (maxOutputTokens !== undefined) options.maxOutputTokens = maxOutputTokens;
  const temperature = optionalNumber(body, "temperature", 0, 2);
  if (temperature !== undefined) options.temperature = temperature;
  const topP = optionalNumber(body, "top_p", 0, 1);
  if (topP !== undefined) options.topP = topP;
  const user = optionalString(body, "user");
  if (user !== undefined) options.user = user;
  const metadata = parseMetadata(body["metadata"]);
  if (metadata !== undefined) options.metadata = metadata;

  const tools = parseFunctionTools(body["tools"], responsesTools);
  if (tools !== undefined) options.tools = tools;
  const toolChoice = parseToolChoice(body["tool_choice"], tools, responsesFunctionChoice);
  if (toolChoice !== undefined) options.toolChoice = toolChoice;
  const parallel = optionalBoolean(body, "parallel_tool_calls");
  if (parallel !== undefined) options.parallelToolCalls = parallel;

  // OpenAI fields with no canonical meaning go through as Chat Completions fields: an OpenAI or Azure
  // upstream takes them, another cloud's codec says in x-switchyard-warnings that it could not.
  const passthrough: Record<string, unknown> = {};
  const text = parseText(body["text"], passthrough);
  if (text.format !== undefined) options.responseFormat = text.format;
  const reasoning = body["reasoning"];
  if (present(reasoning)) {
    if (!isRecord(reasoning)) throw invalid("reasoning", "'reasoning' must be an object");
    for (const name in reasoning) {
      if (name !== "effort" && name !== "summary" && name !== "generate_summary")
        throw invalid(`reasoning.${name}`, `Unrecognized argument: reasoning.${name}`);
    }
    const effort = reasoning["effort"];
    if (present(effort)) {
      if (typeof effort !== "string" || !efforts.has(effort)) {
        throw invalid(
          "reasoning.effort",
          "Invalid value for 'reasoning.effort': supported values are 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'",
        );
      }
      passthrough["reasoning_effort"] = effort;
    }
    for (const name of ["summary", "generate_summary"]) {
      const summary = reasoning[name];
      if (present(summary) && summary !== "auto" && summary !== "concise" && summary !== "detailed")
        throw invalid(`reasoning.${name}`, `'reasoning.${name}' must be 'auto', 'concise' or 'detailed'`);
    }
  }
  for (const name of ["service_tier", "safety_identifier", "prompt_cache_key"]) {
    const value = optionalString(body, name);
    if (value !== undefined) passthrough[name] = value;
  }
  for (const _ in passthrough) {
    options.passthrough = { dialect: "openai-chat", fields: passthrough };
    break;
  }

  const request: Mutable<ResponsesRequest> = {
    model,
    stream,
    input,
    store,
    toolOutputs,
    options,
    echo: {
      tools: Array.isArray(body["tools"]) ? (body["tools"] as unknown[]) : [],
      toolChoice: present(body["tool_choice"]) ? body["tool_choice"] : "auto",
      parallelToolCalls: parallel ?? true,
      text: text.echo,
      reasoning: present(reasoning) ? reasoning : { effort: null, summary: null },
      metadata: metadata ?? {},
      temperature: temperature ?? null,
      topP: topP ?? null,
      maxOutputTokens: maxOutputTokens ?? null,
      ...(user === undefined ? {} : { user }),
      truncation: "disabled",
    },
  };
  if (instructions !== undefined && instructions !== "") request.instructions = instructions;
  if (previousResponseId !== undefined) request.previousResponseId = previousResponseId;
  return request;
}

const efforts = new Set(["none", "minimal", "low", "medium", "high", "xhigh"]);

/**
 * The canonical chat request for one turn: the instructions, the stored conversation `history` (empty
 * without `previous_response_id`), then this turn's input. Every `function_call_output` must answer a
 * `function_call` made before it, in the history or in this input.
 */
export function toChatRequest(request: ResponsesRequest, history: readonly Message[]): ChatRequest {
  const calls = new Set<string>();
  for (const message of history) collectCalls(message, calls);
  let next = 0;
  request.input.forEach((message) => {
    collectCalls(message, calls);
    if (message.role !== "tool") return;
    const output = request.toolOutputs[next++];
    if (output !== undefined && !calls.has(output.callId)) {
      throw invalid(
        `input[${output.index}].call_id`,
        `No tool call found for function call output with call_id ${output.callId}.`,
      );
    }
  });
  const messages: Message[] = [];
  if (request.instructions !== undefined) messages.push({ role: "system", content: request.instructions });
  messages.push(...history, ...request.input);
  requireToolOutputs(messages);
  return { ...request.options, model: request.model, messages, stream: request.stream, includeUsage: true };
}

/**
 * Every function call must get its output before the conversation goes on, as OpenAI requires: a turn
 * after a call without its output is a 400 here, not an error each cloud words its own way.
 */
function requireToolOutputs(messages: readonly Message[]): void {
  const pending = new Set<string>();
  const check = (): void => {
    const waiting = pending.values().next();
    if (waiting.done !== true)
      throw invalid("input", `No tool output found for function call ${waiting.value}.`);
  };

  for (const message of messages) {
    if (message.role === "tool") {
      pending.delete(message.toolCallId);
      continue;
    }
    check();
    if (message.role === "assistant" && message.toolCalls !== undefined)
      for (const call of message.toolCalls) pending.add(call.id);
  }
  check();
}

function collectCalls(message: Message, into: Set<string>): void {
  if (message.role === "assistant" && message.toolCalls !== undefined)
    for (const call of message.toolCalls) into.add(call.id);
}

function parseInput(value: unknown): {
  messages: Message[];
  toolOutputs: { callId: string; index: number }[];
} {
  const messages: Message[] = [];
  const toolOutputs: { callId: string; index: number }[] = [];
  if (!present(value)) return { messages, toolOutputs };
  if (typeof value === "string") {
    messages.push({ role: "user", content: [{ type: "text", text: value }] });
    return { messages, toolOutputs };
  }
  if (!Array.isArray(value)) {
    throw invalid(
      "input",
      `Invalid type for 'input': expected a string or an array, but got ${typeName(value)}`,
    );
  }
  (value as unknown[]).forEach((item, index) => {
    const at = `input[${index}]`;
    if (!isRecord(item))
      throw invalid(at, `Invalid type for '${at}': expected an object, but got ${typeName(item)}`);
    const type = item["type"];
    if (!present(type) || type === "message") {
      messages.push(parseMessageItem(item, at));
      return;
    }
    switch (type) {
      case "function_call": {
        allowFields(item, at, ["type", "id", "call_id", "name", "arguments", "status", "namespace"]);
        const callId = requiredString(item, "call_id", at);
        const name = requiredString(item, "name", at);
        const args = item["arguments"];
        if (typeof args !== "string") throw invalid(`${at}.arguments`, `'${at}.arguments' must be a string`);
        const call = { id: callId, name, arguments: args };
        // Calls of one turn travel in one assistant message, as every cloud's dialect wants them.
        const last = messages.at(-1);
        if (last !== undefined && last.role === "assistant") {
          messages[messages.length - 1] = { ...last, toolCalls: [...(last.toolCalls ?? []), call] };
        } else {
          messages.push({ role: "assistant", content: [], toolCalls: [call] });
        }
        return;
      }
      case "function_call_output": {
        allowFields(item, at, ["type", "id", "call_id", "output", "status"]);
        const callId = requiredString(item, "call_id", at);
        messages.push({
          role: "tool",
          toolCallId: callId,
          content: parseToolOutput(item["output"], `${at}.output`),
        });
        toolOutputs.push({ callId, index });
        return;
      }
      case "reasoning":
        // A reasoning item handed back (clients that keep state themselves do): it is the model's own,
        // opaque to every other cloud, so it is accepted and not replayed. See docs/responses-ingress.md.
        allowFields(item, at, ["type", "id", "summary", "content", "encrypted_content", "status"]);
        return;
      default:
        if (typeof type === "string" && hostedItemTypes.has(type)) {
          throw unsupported(`${at}.type`, `Input items of type '${type}' are not supported by this gateway`);
        }
        throw invalid(
          `${at}.type`,
          `Invalid value for '${at}.type': supported values are 'message', 'function_call', 'function_call_output' and 'reasoning'`,
        );
    }
  });
  return { messages, toolOutputs };
}

function parseMessageItem(item: JsonRecord, at: string): Message {
  allowFields(item, at, ["type", "role", "content", "id", "status", "phase"]);
  const role = item["role"];
  const content = item["content"];
  if (!present(content)) throw missing(`${at}.content`, `Missing required parameter: '${at}.content'.`);
  switch (role) {
    case "system":
    case "developer": {
      const text = textOf(content, `${at}.content`, ["input_text"]);
      return role === "developer"
        ? { role: "system", content: text, originalRole: "developer" }
        : { role: "system", content: text };
    }
    case "user":
      return { role: "user", content: parseUserContent(content, `${at}.content`) };
    case "assistant": {
      const text = textOf(content, `${at}.content`, ["output_text", "refusal", "input_text"]);
      const parts: TextPart[] = text === "" ? [] : [{ type: "text", text }];
      const message: AssistantMessage = { role: "assistant", content: parts };
      return message;
    }
    default:
      if (!present(role)) throw missing(`${at}.role`, `Missing required parameter: '${at}.role'.`);
      throw invalid(
        `${at}.role`,
        `Invalid value for '${at}.role': supported values are 'user', 'assistant', 'system' and 'developer'`,
      );
  }
}

/** Text-only content: a string, or parts of the allowed types joined with newlines. */
function textOf(content: unknown, at: string, types: readonly string[]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) {
    throw invalid(at, `Invalid type for '${at}': expected a string or an array of content parts`);
  }
  const pieces = (content as unknown[]).map((part, index) => {
    const partAt = `${at}[${index}]`;
    if (!isRecord(part)) throw invalid(partAt, `Invalid type for '${partAt}': expected an object`);
    const type = part["type"];
    if (typeof type !== "string" || !types.includes(type)) {
      throw invalid(
        `${partAt}.type`,
        `Invalid value for '${partAt}.type': supported values here are ${types.map((name) => `'${name}'`).join(", ")}`,
      );
    }
    const field = type === "refusal" ? "refusal" : "text";
    const text = part[field];
    if (typeof text !== "string")
      throw invalid(`${partAt}.${field}`, `'${partAt}.${field}' must be a string`);
    return text;
  });
  return pieces.join("\n");
}

/**
 * An `input_file`: a PDF inline as `file_data` (`data:application/pdf;base64,...`) or a PDF link as
 * `file_url` (sent only where the cloud fetches it). A `file_id` names a file uploaded to OpenAI,
 * which no other cloud can read: a 400 naming it.
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function parseInputFile(part: Record<string, unknown>, at: string): DocumentPart {
  if (present(part["file_id"]))
    throw unsupported(`${at}.file_id`, "Files by 'file_id' are not supported; send 'file_data'");
  const filename = part["filename"];
  if (present(filename) && typeof filename !== "string")
    throw invalid(`${at}.filename`, `'${at}.filename' must be a string`);
  const title = typeof filename === "string" && filename !== "" ? { title: filename } : {};
  const link = part["file_url"];
  if (present(link)) {
    if (typeof link !== "string" || !/^https?:\/\/\S+$/i.test(link))
      throw invalid(`${at}.file_url`, `'${at}.file_url' must be an http or https URL`);
    return { type: "document", url: link, ...title };
  }
  const data = part["file_data"];
  if (typeof data !== "string")
    throw invalid(`${at}.file_data`, `'${at}.file_data' (or 'file_url') must be a string`);
  const bytes = /^data:application\/pdf;base64,(.*)$/s.exec(data)?.[1];
  if (bytes === undefined)
    throw invalid(
      `${at}.file_data`,
      `'${at}.file_data' must be a data URL of a PDF: data:application/pdf;base64,...`,
    );
  if (bytes === "" || !isBase64(bytes))
    throw invalid(`${at}.file_data`, `'${at}.file_data' is not valid base64`);
  return { type: "document", url: data, ...title };
}

function parseUserContent(content: unknown, at: string): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw invalid(at, `Invalid type for '${at}': expected a string or an array of content parts`);
  }
  if (content.length === 0) throw invalid(at, `'${at}' must not be an empty array`);
  return (content as unknown[]).map((part, index): ContentPart => {
    const partAt = `${at}[${index}]`;
    if (!isRecord(part)) throw invalid(partAt, `Invalid type for '${partAt}': expected an object`);
    switch (part["type"]) {
      case "input_text": {
        const text = part["text"];
        if (typeof text !== "string") throw invalid(`${partAt}.text`, `'${partAt}.text' must be a string`);
        return { type: "text", text };
      }
      case "input_image": {
        if (present(part["file_id"]))
          throw unsupported(`${partAt}.file_id`, "Images by 'file_id' are not supported; send 'image_url'");
        const url = part["image_url"];
        if (typeof url !== "string" || url === "")
          throw invalid(`${partAt}.image_url`, `'${partAt}.image_url' must be a non-empty string`);
        const detail = part["detail"];
        if (!present(detail) || detail === "auto") return { type: "image", url };
        if (detail !== "low" && detail !== "high")
          throw invalid(`${partAt}.detail`, `'${partAt}.detail' must be 'auto', 'low' or 'high'`);
        return { type: "image", url, detail };
      }
      case "input_file":
        return parseInputFile(part, partAt);
      case "input_audio":
        throw unsupported(
          `${partAt}.type`,
          `Content parts of type '${String(part["type"])}' are not supported by this gateway`,
        );
      default:
        throw invalid(
          `${partAt}.type`,
          `Invalid value for '${partAt}.type': supported values are 'input_text', 'input_image' and 'input_file'`,
        );
    }
  });
}

function parseToolOutput(output: unknown, at: string): string {
  if (typeof output === "string") return output;
  if (!present(output)) throw missing(at, `Missing required parameter: '${at}'.`);
  return textOf(output, at, ["input_text"]);
}

function requiredString(item: JsonRecord, name: string, at: string): string {
  const value = item[name];
  if (!present(value)) throw missing(`${at}.${name}`, `Missing required parameter: '${at}.${name}'.`);
  if (typeof value !== "string" || value === "")
    throw invalid(`${at}.${name}`, `'${at}.${name}' must be a non-empty string`);
  return value;
}

function allowFields(item: JsonRecord, at: string, fields: readonly string[]): void {
  for (const name in item) {
    if (!fields.includes(name)) throw invalid(`${at}.${name}`, `Unrecognized field '${name}' in '${at}'`);
  }
}

/** Responses function tools are flat: `{type: "function", name, parameters}`, not nested under `function`. */
const responsesTools: FunctionToolDialect = {
  unsupportedType: (type) =>
    typeof type === "string" && hostedToolTypes.has(type)
      ? `Tools of type '${type}' run inside OpenAI and are not supported; use 'function'`
      : undefined,
  functionOf(tool, at) {
    allowFields(tool, at, ["type", "name", "description", "parameters", "strict", "defer_loading"]);
    return { fields: tool, at };
  },
};

function responsesFunctionChoice(choice: JsonRecord): { name: string; param: string } {
  if (choice["type"] !== "function") {
    if (typeof choice["type"] === "string")
      throw unsupported("tool_choice.type", `'tool_choice' of type '${choice["type"]}' is not supported`);
    throw invalid("tool_choice.type", "'tool_choice.type' is required");
  }
  const name = choice["name"];
  if (typeof name !== "string") throw invalid("tool_choice.name", "'tool_choice.name' must be a string");
  return { name, param: "tool_choice.name" };
}

/** `text.format` → the canonical response format; `text.verbosity` goes through for OpenAI upstreams. */
function parseText(
  value: unknown,
  passthrough: Record<string, unknown>,
): { format?: ResponseFormat; echo: { format: unknown; verbosity?: unknown } } {
  if (!present(value)) return { echo: { format: { type: "text" } } };
  if (!isRecord(value)) throw invalid("text", "'text' must be an object");
  for (const name in value) {
    if (name !== "format" && name !== "verbosity")
      throw invalid(`text.${name}`, `Unrecognized argument: text.${name}`);
  }
  const verbosity = value["verbosity"];
  if (present(verbosity)) {
    if (verbosity !== "low" && verbosity !== "medium" && verbosity !== "high")
      throw invalid("text.verbosity", "'text.verbosity' must be 'low', 'medium' or 'high'");
    passthrough["verbosity"] = verbosity;
  }
  const echo: { format: unknown; verbosity?: unknown } = { format: { type: "text" } };
  if (present(verbosity)) echo.verbosity = verbosity;
  const format = value["format"];
  if (!present(format)) return { echo };
  if (!isRecord(format)) throw invalid("text.format", "'text.format' must be an object");
  echo.format = format;
  switch (format["type"]) {
    case "text":
      return { format: { type: "text" }, echo };
    case "json_object":
      return { format: { type: "json" }, echo };
    case "json_schema": {
      allowFields(format, "text.format", ["type", "name", "schema", "description", "strict"]);
      const name = format["name"];
      if (!present(name))
        throw missing("text.format.name", "Missing required parameter: 'text.format.name'.");
      if (typeof name !== "string" || !isFunctionName(name))
        throw invalid(
          "text.format.name",
          "'text.format.name' must be 1-64 characters of a-z, A-Z, 0-9, _ and -",
        );
      const schema = format["schema"];
      if (!isRecord(schema))
        throw missing("text.format.schema", "Missing required parameter: 'text.format.schema'.");
      const shaped: Mutable<ResponseFormat & { type: "json-schema" }> = { type: "json-schema", name, schema };
      const description = optionalString(format, "description", "text.format.description");
      if (description !== undefined) shaped.description = description;
      const strict = optionalBoolean(format, "strict", "text.format.strict");
      if (strict !== undefined) shaped.strict = strict;
      return { format: shaped, echo };
    }
    default:
      throw invalid(
        "text.format.type",
        "Invalid value for 'text.format.type': supported values are 'text', 'json_object' and 'json_schema'",
      );
  }
}
