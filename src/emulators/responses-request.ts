import {
  contentText,
  isRecord,
  typeName,
  type ChatMessage,
  type ChatRequest,
  type FunctionTool,
  type InvalidRequest,
  type ResponseFormat,
  type ToolChoice,
} from "./chat-request.js";

/** A validated Responses API request: what the reply planner reads, plus what the response echoes. */
export interface ResponsesRequest {
  readonly chat: ChatRequest;
  readonly instructions: string | null;
  readonly maxOutputTokens: number | null;
  readonly store: boolean;
  readonly temperature: number;
  readonly topP: number;
  readonly toolChoice: unknown;
  readonly tools: unknown[];
  readonly text: unknown;
  readonly metadata: unknown;
}

type Result = { ok: true; request: ResponsesRequest } | { ok: false; error: InvalidRequest };

const fail = (message: string, param: string | null, code: string | null = null): Result => ({
  ok: false,
  error: { message, param, code },
});

const INPUT_ROLES = ["user", "assistant", "system", "developer"];

/**
 * Validates the fields of a `POST /responses` body the emulator reads, with OpenAI's messages, and
 * turns its `input` into the emulator's chat messages so that the same reply planner answers both
 * APIs. The emulator keeps no state: a `previous_response_id` is unknown, as on a fresh account.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function parseResponsesRequest(body: unknown): Result {
  if (!isRecord(body)) return fail("Invalid type for body: expected an object.", null, "invalid_type");
  const model = body["model"];
  if (model === undefined || model === null || model === "")
    return fail("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (typeof model !== "string")
    return fail(
      `Invalid type for 'model': expected a string, but got ${typeName(model)} instead.`,
      "model",
      "invalid_type",
    );
  const previous = body["previous_response_id"];
  if (typeof previous === "string" && previous !== "")
    return fail(
      `Previous response with id '${previous}' not found.`,
      "previous_response_id",
      "previous_response_not_found",
    );

  const messages: ChatMessage[] = [];
  const instructions = body["instructions"];
  if (typeof instructions === "string" && instructions !== "") messages.push(message("system", instructions));
  const input = body["input"];
  if (input === undefined || input === null)
    return fail("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  if (typeof input === "string") messages.push(message("user", input));
  else if (Array.isArray(input)) {
    for (const [index, item] of (input as unknown[]).entries()) {
      const error = readItem(item, `input[${index}]`, messages);
      if (error !== undefined) return { ok: false, error };
    }
  } else {
    return fail(
      `Invalid type for 'input': expected a string or an array, but got ${typeName(input)} instead.`,
      "input",
      "invalid_type",
    );
  }

  const max = body["max_output_tokens"];
  if (max !== undefined && max !== null) {
    if (typeof max !== "number" || !Number.isInteger(max))
      return fail(
        `Invalid type for 'max_output_tokens': expected an integer, but got ${typeName(max)} instead.`,
        "max_output_tokens",
        "invalid_type",
      );
    if (max < 16)
      return fail(
        `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${max} instead.`,
        "max_output_tokens",
        "integer_below_min_value",
      );
  }

  const tools = readTools(body["tools"]);
  if (!Array.isArray(tools)) return { ok: false, error: tools };
  const choice = readToolChoice(body["tool_choice"], tools);
  if ("message" in choice) return { ok: false, error: choice };
  const format = readFormat(body["text"], messages);
  if ("message" in format) return { ok: false, error: format };

  const chat: ChatRequest = {
    model,
    messages,
    stream: body["stream"] === true,
    includeUsage: true,
    includeObfuscation: false,
    maxTokens: typeof max === "number" ? max : undefined,
    stop: [],
    tools,
    rawTools: body["tools"],
    toolChoice: choice,
    parallelToolCalls: body["parallel_tool_calls"] !== false,
    responseFormat: format,
  };
  return {
    ok: true,
    request: {
      chat,
      instructions: typeof instructions === "string" ? instructions : null,
      maxOutputTokens: typeof max === "number" ? max : null,
      store: body["store"] !== false,
      temperature: typeof body["temperature"] === "number" ? body["temperature"] : 1,
      topP: typeof body["top_p"] === "number" ? body["top_p"] : 1,
      toolChoice: body["tool_choice"] ?? "auto",
      tools: Array.isArray(body["tools"]) ? (body["tools"] as unknown[]) : [],
      text: isRecord(body["text"]) ? body["text"] : { format: { type: "text" } },
      metadata: isRecord(body["metadata"]) ? body["metadata"] : {},
    },
  };
}

function message(role: string, content: string): ChatMessage {
  return { role, text: content, content, toolCallId: undefined, toolCalls: [] };
}

/** One input item onto the chat messages; consecutive function calls join one assistant message. */
function readItem(item: unknown, at: string, messages: ChatMessage[]): InvalidRequest | undefined {
  if (!isRecord(item))
    return {
      message: `Invalid type for '${at}': expected an object, but got ${typeName(item)} instead.`,
      param: at,
      code: "invalid_type",
    };
  const type = item["type"] ?? (item["role"] === undefined ? undefined : "message");
  switch (type) {
    case "message": {
      const role = item["role"];
      if (typeof role !== "string" || !INPUT_ROLES.includes(role))
        return {
          message: `Invalid value: '${typeof role === "string" ? role : typeName(role)}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.`,
          param: `${at}.role`,
          code: "invalid_value",
        };
      messages.push(message(role, contentText(item["content"])));
      return undefined;
    }
    case "function_call": {
      const name = item["name"];
      const callId = item["call_id"];
      if (typeof name !== "string" || typeof callId !== "string")
        return {
          message: `Missing required parameter: '${at}.${typeof name !== "string" ? "name" : "call_id"}'.`,
          param: `${at}.${typeof name !== "string" ? "name" : "call_id"}`,
          code: "missing_required_parameter",
        };
      const args = typeof item["arguments"] === "string" ? item["arguments"] : "";
      let last = messages.at(-1);
      if (last?.role !== "assistant") {
        last = message("assistant", "");
        messages.push(last);
      }
      last.toolCalls.push({ id: callId, name });
      last.text = [last.text, name, args].filter((text) => text !== "").join("\n");
      return undefined;
    }
    case "function_call_output": {
      const callId = item["call_id"];
      if (typeof callId !== "string")
        return {
          message: `Missing required parameter: '${at}.call_id'.`,
          param: `${at}.call_id`,
          code: "missing_required_parameter",
        };
      const output = item["output"];
      const text = typeof output === "string" ? output : contentText(output);
      messages.push({ role: "tool", text, content: text, toolCallId: callId, toolCalls: [] });
      return undefined;
    }
    case "reasoning":
      return undefined;
    default:
      return {
        message: `Invalid value: '${typeof type === "string" ? type : typeName(type)}'. Supported values are: 'message', 'function_call', 'function_call_output', and 'reasoning'.`,
        param: `${at}.type`,
        code: "invalid_value",
      };
  }
}

/** Responses function tools are flat: `{type: "function", name, parameters}`. */
function readTools(raw: unknown): FunctionTool[] | InvalidRequest {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    return {
      message: `Invalid type for 'tools': expected an array, but got ${typeName(raw)} instead.`,
      param: "tools",
      code: "invalid_type",
    };
  const tools: FunctionTool[] = [];
  for (const [index, tool] of (raw as unknown[]).entries()) {
    if (!isRecord(tool) || tool["type"] !== "function") continue;
    if (typeof tool["name"] !== "string")
      return {
        message: `Missing required parameter: 'tools[${index}].name'.`,
        param: `tools[${index}].name`,
        code: "missing_required_parameter",
      };
    tools.push({ name: tool["name"], parameters: tool["parameters"] });
  }
  return tools;
}

function readToolChoice(raw: unknown, tools: FunctionTool[]): ToolChoice | InvalidRequest {
  if (raw === undefined || raw === null) return { mode: tools.length > 0 ? "auto" : "none" };
  if (raw === "none" || raw === "auto" || raw === "required") return { mode: raw };
  if (isRecord(raw) && raw["type"] === "function" && typeof raw["name"] === "string") {
    const name = raw["name"];
    if (!tools.some((tool) => tool.name === name))
      return {
        message: `Tool choice '${name}' not found in 'tools' parameter.`,
        param: "tool_choice",
        code: null,
      };
    return { mode: "function", name };
  }
  return { message: "Invalid value for 'tool_choice'.", param: "tool_choice", code: "invalid_value" };
}

function readFormat(raw: unknown, messages: readonly ChatMessage[]): ResponseFormat | InvalidRequest {
  const format = isRecord(raw) ? raw["format"] : undefined;
  if (!isRecord(format)) return { type: "text" };
  switch (format["type"]) {
    case "text":
      return { type: "text" };
    case "json_object":
      if (!messages.some((entry) => /json/i.test(entry.text)))
        return {
          message:
            "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
          param: "input",
          code: null,
        };
      return { type: "json_object" };
    case "json_schema":
      if (typeof format["name"] !== "string")
        return {
          message: "Missing required parameter: 'text.format.name'.",
          param: "text.format.name",
          code: "missing_required_parameter",
        };
      return { type: "json_schema", schema: format["schema"] };
    default:
      return {
        message: "Invalid value for 'text.format.type'.",
        param: "text.format.type",
        code: "invalid_value",
      };
  }
}
