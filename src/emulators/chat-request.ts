import { base64Bytes, pdfProblem, readDocument, type ReadDocument } from "./documents.js";

/** A client error as OpenAI reports it (`invalid_request_error`). */
export interface InvalidRequest {
  message: string;
  param: string | null;
  code: string | null;
}

export interface ChatMessage {
  role: string;
  /** All text of the message: content parts, tool-call names and arguments. */
  text: string;
  /** Content text only (what a user "said"). */
  content: string;
  toolCallId: string | undefined;
  toolCalls: { id: string; name: string }[];
  /** Prompt tokens of the documents the message carries (emulators/documents.ts); none when absent. */
  documentTokens?: number;
}

export interface FunctionTool {
  name: string;
  parameters: unknown;
}

export type ToolChoice = { mode: "none" | "auto" | "required" } | { mode: "function"; name: string };

export type ResponseFormat =
  { type: "text" } | { type: "json_object" } | { type: "json_schema"; schema: unknown };

/** The fields of a chat request that the emulator reads, validated. */
export interface ChatRequest {
  model: string | undefined;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  maxTokens: number | undefined;
  stop: string[];
  tools: FunctionTool[];
  /** The raw `tools` array, for prompt token counting. */
  rawTools: unknown;
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  responseFormat: ResponseFormat;
}

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"];

type Result = { ok: true; request: ChatRequest } | { ok: false; error: InvalidRequest };

const fail = (message: string, param: string | null, code: string | null = null): Result => ({
  ok: false,
  error: { message, param, code },
});

/**
 * Validates the fields the emulator reads, with OpenAI's messages; unknown fields are ignored.
 * `modelRequired` is false on Azure's classic route, where the deployment is in the path.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function parseChatRequest(body: unknown, modelRequired: boolean): Result {
  if (!isRecord(body)) return fail("Invalid type for body: expected an object.", null, "invalid_type");
  const model = body["model"];
  if (model !== undefined && typeof model !== "string") {
    return fail(
      `Invalid type for 'model': expected a string, but got ${typeName(model)} instead.`,
      "model",
      "invalid_type",
    );
  }
  if (modelRequired && (model === undefined || model === "")) {
    return fail("you must provide a model parameter", "model", "missing_required_parameter");
  }
  const rawMessages = body["messages"];
  if (rawMessages === undefined)
    return fail("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (!Array.isArray(rawMessages)) {
    return fail(
      `Invalid type for 'messages': expected an array of objects, but got ${typeName(rawMessages)} instead.`,
      "messages",
      "invalid_type",
    );
  }
  if (rawMessages.length === 0) {
    return fail(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  const messages: ChatMessage[] = [];
  for (const [index, raw] of rawMessages.entries()) {
    const param = `messages[${index}]`;
    if (!isRecord(raw))
      return fail(
        `Invalid type for '${param}': expected an object, but got ${typeName(raw)} instead.`,
        param,
        "invalid_type",
      );
    const role = raw["role"];
    if (role === undefined)
      return fail(
        `Missing required parameter: '${param}.role'.`,
        `${param}.role`,
        "missing_required_parameter",
      );
    if (typeof role !== "string" || !ROLES.includes(role)) {
      return fail(
        `Invalid value: '${typeof role === "string" ? role : typeName(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `${param}.role`,
        "invalid_value",
      );
    }
    if (role === "tool" && typeof raw["tool_call_id"] !== "string") {
      return fail(
        `Missing required parameter: '${param}.tool_call_id'.`,
        `${param}.tool_call_id`,
        "missing_required_parameter",
      );
    }
    const documents = readFileParts(raw["content"], `${param}.content`);
    if ("message" in documents) return { ok: false, error: documents };
    messages.push(readMessage(role, raw, documents));
  }

  const stream = body["stream"] === true;
  const streamOptions = body["stream_options"];
  if (streamOptions !== undefined && streamOptions !== null && !stream) {
    return fail(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "stream_options",
      "invalid_value",
    );
  }

  const n = body["n"];
  if (typeof n === "number" && n !== 1) {
    return fail("The emulator only supports 'n': 1.", "n", "unsupported_value");
  }

  let maxTokens: number | undefined;
  for (const param of ["max_completion_tokens", "max_tokens"]) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      return fail(
        `Invalid type for '${param}': expected an integer, but got ${typeName(value)} instead.`,
        param,
        "invalid_type",
      );
    }
    if (value < 1) {
      return fail(
        `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
        param,
        "integer_below_min_value",
      );
    }
    maxTokens ??= value;
  }

  const rawStop = body["stop"];
  const stop =
    typeof rawStop === "string"
      ? [rawStop]
      : Array.isArray(rawStop)
        ? rawStop.filter((s): s is string => typeof s === "string" && s !== "")
        : [];
  if (stop.length > 4)
    return fail(
      "Invalid 'stop': array too long. Expected an array with maximum length 4.",
      "stop",
      "array_above_max_length",
    );

  const toolsResult = readTools(body["tools"]);
  if (!Array.isArray(toolsResult)) return { ok: false, error: toolsResult };
  const choice = readToolChoice(
    body["tool_choice"],
    body["tools"] !== undefined && body["tools"] !== null,
    toolsResult,
  );
  if ("message" in choice) return { ok: false, error: choice };

  const format = readResponseFormat(body["response_format"], messages);
  if ("message" in format) return { ok: false, error: format };

  return {
    ok: true,
    request: {
      model: typeof model === "string" ? model : undefined,
      messages,
      stream,
      includeUsage: isRecord(streamOptions) && streamOptions["include_usage"] === true,
      includeObfuscation: !(isRecord(streamOptions) && streamOptions["include_obfuscation"] === false),
      maxTokens,
      stop,
      tools: toolsResult,
      rawTools: body["tools"],
      toolChoice: choice,
      parallelToolCalls: body["parallel_tool_calls"] !== false,
      responseFormat: format,
    },
  };
}

function readMessage(role: string, raw: Record<string, unknown>, documents: ReadDocument[]): ChatMessage {
  const content = [contentText(raw["content"]), ...documents.map((document) => document.note)]
    .filter((text) => text !== "")
    .join("\n");
  const toolCalls: { id: string; name: string }[] = [];
  const texts = [content];
  if (typeof raw["name"] === "string") texts.push(raw["name"]);
  if (Array.isArray(raw["tool_calls"])) {
    for (const call of raw["tool_calls"]) {
      if (!isRecord(call) || !isRecord(call["function"])) continue;
      const name = typeof call["function"]["name"] === "string" ? call["function"]["name"] : "";
      const args = typeof call["function"]["arguments"] === "string" ? call["function"]["arguments"] : "";
      toolCalls.push({ id: typeof call["id"] === "string" ? call["id"] : "", name });
      texts.push(name, args);
    }
  }
  const toolCallId = typeof raw["tool_call_id"] === "string" ? raw["tool_call_id"] : undefined;
  const message: ChatMessage = {
    role,
    text: texts.filter((t) => t !== "").join("\n"),
    content,
    toolCallId,
    toolCalls,
  };
  const documentTokens = documents.reduce((sum, document) => sum + document.tokens, 0);
  if (documentTokens > 0) message.documentTokens = documentTokens;
  return message;
}

/**
 * The `file` parts of a message, checked as OpenAI checks them: `file_data` a base64 data URL of a PDF
 * (a `file_id` names an upload this emulator never received: 400, as for an unknown id).
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function readFileParts(content: unknown, at: string): ReadDocument[] | InvalidRequest {
  if (!Array.isArray(content)) return [];
  const documents: ReadDocument[] = [];
  for (const [index, part] of content.entries()) {
    if (!isRecord(part) || part["type"] !== "file") continue;
    const param = `${at}[${index}].file`;
    const file = part["file"];
    if (!isRecord(file))
      return {
        message: `Missing required parameter: '${param}'.`,
        param,
        code: "missing_required_parameter",
      };
    if (typeof file["file_id"] === "string")
      return {
        message: `No such File object: ${file["file_id"]}`,
        param: `${param}.file_id`,
        code: "invalid_value",
      };
    const data = file["file_data"];
    if (typeof data !== "string")
      return {
        message: `Missing required parameter: '${param}.file_data'.`,
        param: `${param}.file_data`,
        code: "missing_required_parameter",
      };
    const match = /^data:([^;,]*);base64,(.*)$/s.exec(data);
    const mime = match?.[1];
    if (match === null || mime !== "application/pdf")
      return {
        message: `Invalid file data: '${param}.file_data'. Expected a base64-encoded data URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got ${mime === undefined ? "a value that is not a data URL" : `unsupported MIME type '${mime}'`}.`,
        param: `${param}.file_data`,
        code: "invalid_value",
      };
    const bytes = match[2] ?? "";
    const problem = pdfProblem(bytes);
    if (problem !== undefined)
      return {
        message:
          problem === "base64"
            ? `Invalid base64 in '${param}.file_data'.`
            : `The file in '${param}.file_data' is not a valid PDF.`,
        param: `${param}.file_data`,
        code: "invalid_value",
      };
    const filename = typeof file["filename"] === "string" ? file["filename"] : undefined;
    documents.push(readDocument("application/pdf", base64Bytes(bytes), filename));
  }
  return documents;
}

/** The text of a message's content: a string, or the `text` (and `refusal`) of its parts, joined. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && typeof part["text"] === "string") parts.push(part["text"]);
    else if (isRecord(part) && typeof part["refusal"] === "string") parts.push(part["refusal"]);
  }
  return parts.join("\n");
}

function readTools(raw: unknown): FunctionTool[] | InvalidRequest {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    return {
      message: `Invalid type for 'tools': expected an array, but got ${typeName(raw)} instead.`,
      param: "tools",
      code: "invalid_type",
    };
  const tools: FunctionTool[] = [];
  for (const [index, tool] of raw.entries()) {
    // Custom (free-form) tools exist too; the emulator only ever calls function tools.
    if (!isRecord(tool) || tool["type"] !== "function") continue;
    const fn = tool["function"];
    if (!isRecord(fn) || typeof fn["name"] !== "string") {
      return {
        message: `Missing required parameter: 'tools[${index}].function.name'.`,
        param: `tools[${index}].function.name`,
        code: "missing_required_parameter",
      };
    }
    tools.push({ name: fn["name"], parameters: fn["parameters"] });
  }
  return tools;
}

function readToolChoice(
  raw: unknown,
  toolsGiven: boolean,
  tools: FunctionTool[],
): ToolChoice | InvalidRequest {
  if (raw === undefined || raw === null) return { mode: tools.length > 0 ? "auto" : "none" };
  if (!toolsGiven) {
    return {
      message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      param: "tool_choice",
      code: null,
    };
  }
  if (raw === "none" || raw === "auto" || raw === "required") return { mode: raw };
  if (
    isRecord(raw) &&
    raw["type"] === "function" &&
    isRecord(raw["function"]) &&
    typeof raw["function"]["name"] === "string"
  ) {
    const name = raw["function"]["name"];
    if (!tools.some((tool) => tool.name === name)) {
      return {
        message: `Invalid value for 'tool_choice': function '${name}' is not one of the offered tools.`,
        param: "tool_choice",
        code: "invalid_value",
      };
    }
    return { mode: "function", name };
  }
  if (isRecord(raw) && raw["type"] === "allowed_tools" && isRecord(raw["allowed_tools"])) {
    return { mode: raw["allowed_tools"]["mode"] === "required" ? "required" : "auto" };
  }
  return { message: "Invalid value for 'tool_choice'.", param: "tool_choice", code: "invalid_value" };
}

function readResponseFormat(raw: unknown, messages: ChatMessage[]): ResponseFormat | InvalidRequest {
  if (raw === undefined || raw === null) return { type: "text" };
  if (!isRecord(raw))
    return {
      message: "Invalid type for 'response_format': expected an object.",
      param: "response_format",
      code: "invalid_type",
    };
  switch (raw["type"]) {
    case "text":
      return { type: "text" };
    case "json_object":
      // OpenAI refuses JSON mode unless the conversation mentions JSON.
      if (!messages.some((message) => /json/i.test(message.text))) {
        return {
          message:
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          param: "messages",
          code: null,
        };
      }
      return { type: "json_object" };
    case "json_schema": {
      const spec = raw["json_schema"];
      if (!isRecord(spec))
        return {
          message: "Missing required parameter: 'response_format.json_schema'.",
          param: "response_format.json_schema",
          code: "missing_required_parameter",
        };
      if (typeof spec["name"] !== "string")
        return {
          message: "Missing required parameter: 'response_format.json_schema.name'.",
          param: "response_format.json_schema.name",
          code: "missing_required_parameter",
        };
      return { type: "json_schema", schema: spec["schema"] };
    }
    default:
      return {
        message: `Invalid value: '${typeof raw["type"] === "string" ? raw["type"] : typeName(raw["type"])}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
        param: "response_format.type",
        code: "invalid_value",
      };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
