import { isRecord, type ChatMessage, type ChatRequest, type ToolChoice } from "../chat-request.js";
import { base64Bytes, pdfProblem, readDocument, type ReadDocument } from "../documents.js";

/** The fields of a Messages request the emulator reads, validated as Anthropic does. */
export interface MessagesRequest {
  model: string | undefined;
  stream: boolean;
  stopSequences: string[];
  /** What the shared reply planner understands (tool results become `tool` messages). */
  chat: ChatRequest;
}

type Result = { ok: true; request: MessagesRequest } | { ok: false; message: string };

const fail = (message: string): Result => ({ ok: false, message });

export interface ParseOptions {
  /** Vertex's `rawPredict`: the model is in the path, `anthropic_version` in the body. */
  vertex: boolean;
  /** `count_tokens` takes a Messages body without `max_tokens`. */
  countOnly: boolean;
}

/**
 * Validates a Messages body with Anthropic's error wording (`<path>: <problem>`, paths dotted as the API
 * writes them, e.g. `messages.0.role`). Consecutive turns of one role are accepted: the API merges them.
 * Unknown fields are ignored.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function parseMessagesRequest(body: unknown, options: ParseOptions): Result {
  if (!isRecord(body)) return fail("Input should be a valid dictionary or object to extract fields from");
  const model = body["model"];
  if (options.vertex) {
    const version = body["anthropic_version"];
    if (version === undefined) return fail("anthropic_version: Field required");
    if (version !== "vertex-2023-10-16")
      return fail("anthropic_version: Input should be 'vertex-2023-10-16'");
  } else {
    if (model === undefined) return fail("model: Field required");
    if (typeof model !== "string" || model === "") return fail("model: Input should be a valid string");
  }
  let maxTokens: number | undefined;
  if (!options.countOnly) {
    const value = body["max_tokens"];
    if (value === undefined) return fail("max_tokens: Field required");
    if (typeof value !== "number" || !Number.isInteger(value))
      return fail("max_tokens: Input should be a valid integer");
    if (value < 1) return fail("max_tokens: Input should be greater than or equal to 1");
    maxTokens = value;
  }
  const temperature = body["temperature"];
  if (temperature !== undefined) {
    if (typeof temperature !== "number") return fail("temperature: Input should be a valid number");
    if (temperature < 0) return fail("temperature: Input should be greater than or equal to 0");
    if (temperature > 1) return fail("temperature: Input should be less than or equal to 1");
  }

  const messages: ChatMessage[] = [];
  const system = readSystem(body["system"]);
  if (typeof system !== "string") return system;
  if (system !== "") messages.push(message("system", system));

  const raw = body["messages"];
  if (raw === undefined) return fail("messages: Field required");
  if (!Array.isArray(raw)) return fail("messages: Input should be a valid list");
  if (raw.length === 0) return fail("messages: at least one message is required");
  let previousToolUses = new Set<string>();
  for (const [index, item] of raw.entries()) {
    if (!isRecord(item)) return fail(`messages.${index}: Input should be a valid dictionary`);
    const role = item["role"];
    if (role !== "user" && role !== "assistant") {
      return fail(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    const content = item["content"];
    if (content === undefined) return fail(`messages.${index}.content: Field required`);
    const blocks = typeof content === "string" ? [{ type: "text", text: content }] : content;
    if (!Array.isArray(blocks)) return fail(`messages.${index}.content: Input should be a valid list`);
    const read = role === "user" ? readUser(blocks, index, previousToolUses) : readAssistant(blocks, index);
    if ("message" in read) return read;
    messages.push(...read.messages);
    previousToolUses = read.toolUses;
  }

  const stop = body["stop_sequences"];
  if (stop !== undefined && (!Array.isArray(stop) || !stop.every((item) => typeof item === "string"))) {
    return fail("stop_sequences: Input should be a valid list of strings");
  }
  const tools = readTools(body["tools"]);
  if ("message" in tools) return tools;
  const choice = readToolChoice(
    body["tool_choice"],
    tools.list.map((tool) => tool.name),
  );
  if ("message" in choice) return choice;

  const format = isRecord(body["output_config"]) ? body["output_config"]["format"] : undefined;
  return {
    ok: true,
    request: {
      model: typeof model === "string" ? model : undefined,
      stream: body["stream"] === true,
      stopSequences: stop ?? [],
      chat: {
        model: typeof model === "string" ? model : undefined,
        messages,
        stream: body["stream"] === true,
        includeUsage: true,
        includeObfuscation: false,
        maxTokens,
        // Stop sequences are applied by the caller, which must say which one matched.
        stop: [],
        tools: tools.list,
        rawTools: body["tools"],
        toolChoice: choice.choice,
        parallelToolCalls: !choice.disableParallel,
        // Structured outputs (`output_config.format`) answer like OpenAI's json_schema.
        responseFormat:
          isRecord(format) && format["type"] === "json_schema"
            ? { type: "json_schema", schema: format["schema"] }
            : { type: "text" },
      },
    },
  };
}

function message(role: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { role, text, content: text, toolCallId: undefined, toolCalls: [], ...extra };
}

function readSystem(system: unknown): string | { ok: false; message: string } {
  if (system === undefined) return "";
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return { ok: false, message: "system: Input should be a valid string" };
  const texts: string[] = [];
  for (const [index, block] of system.entries()) {
    if (!isRecord(block) || block["type"] !== "text" || typeof block["text"] !== "string") {
      return { ok: false, message: `system.${index}: Input tag does not match the expected tag 'text'` };
    }
    texts.push(block["text"]);
  }
  return texts.join("\n");
}

type Read = { messages: ChatMessage[]; toolUses: Set<string> } | { ok: false; message: string };

function blockText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value
    .flatMap((block) => (isRecord(block) && typeof block["text"] === "string" ? [block["text"]] : []))
    .join("\n");
}

/** Tool results become `tool` messages (what the reply planner reads); the rest is the user's text. */
function readUser(blocks: unknown[], index: number, toolUses: ReadonlySet<string>): Read {
  const out: ChatMessage[] = [];
  const texts: string[] = [];
  let documentTokens = 0;
  for (const [blockIndex, block] of blocks.entries()) {
    const path = `messages.${index}.content.${blockIndex}`;
    if (!isRecord(block) || typeof block["type"] !== "string")
      return { ok: false, message: `${path}: Field required` };
    switch (block["type"]) {
      case "text":
        if (typeof block["text"] !== "string") return { ok: false, message: `${path}.text: Field required` };
        if (block["text"] === "")
          return { ok: false, message: `${path}: text content blocks must be non-empty` };
        texts.push(block["text"]);
        break;
      case "image":
        if (!isRecord(block["source"])) return { ok: false, message: `${path}.source: Field required` };
        break;
      case "document": {
        const read = readDocumentBlock(block, path);
        if ("message" in read) return read;
        texts.push(read.note);
        documentTokens += read.tokens;
        break;
      }
      case "tool_result": {
        const id = block["tool_use_id"];
        if (typeof id !== "string") return { ok: false, message: `${path}.tool_use_id: Field required` };
        if (!toolUses.has(id)) {
          return {
            ok: false,
            message: `${path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          };
        }
        const text = blockText(block["content"]);
        out.push({ role: "tool", text, content: text, toolCallId: id, toolCalls: [] });
        break;
      }
      default:
        // documents, search results…: carried, not read.
        break;
    }
  }
  if (texts.length > 0 || out.length === 0)
    out.push(message("user", texts.join("\n"), documentTokens > 0 ? { documentTokens } : {}));
  return { messages: out, toolUses: new Set() };
}

/**
 * A `document` block, checked as the Messages API checks it: a base64 source must be a PDF
 * (`application/pdf`, valid base64, a `%PDF-` header), a text source `text/plain`; a link is taken
 * (Anthropic fetches it) and noted, not fetched. Citations are accepted and not produced.
 * @see https://docs.claude.com/en/docs/build-with-claude/pdf-support
 */
function readDocumentBlock(
  block: Record<string, unknown>,
  path: string,
): ReadDocument | { ok: false; message: string } {
  const source = block["source"];
  if (!isRecord(source)) return { ok: false, message: `${path}.source: Field required` };
  const title = typeof block["title"] === "string" ? block["title"] : undefined;
  switch (source["type"]) {
    case "base64": {
      const at = `${path}.source.base64`;
      if (source["media_type"] !== "application/pdf")
        return { ok: false, message: `${at}.media_type: Input should be 'application/pdf'` };
      const data = source["data"];
      if (typeof data !== "string") return { ok: false, message: `${at}.data: Field required` };
      const problem = pdfProblem(data);
      if (problem === "base64") return { ok: false, message: `${at}.data: invalid base64 data` };
      if (problem === "pdf") return { ok: false, message: `${at}.data: The PDF specified was not valid.` };
      return readDocument("application/pdf", base64Bytes(data), title);
    }
    case "text": {
      const at = `${path}.source.text`;
      if (source["media_type"] !== "text/plain")
        return { ok: false, message: `${at}.media_type: Input should be 'text/plain'` };
      const data = source["data"];
      if (typeof data !== "string") return { ok: false, message: `${at}.data: Field required` };
      return readDocument("text/plain", Buffer.byteLength(data, "utf8"), title);
    }
    case "url": {
      const url = source["url"];
      if (typeof url !== "string") return { ok: false, message: `${path}.source.url.url: Field required` };
      return { note: `[document link ${url}]`, tokens: 0 };
    }
    default:
      return {
        ok: false,
        message: `${path}.source: Input tag '${String(source["type"])}' found using 'type' does not match any of the expected tags: 'base64', 'text', 'content', 'url', 'file'`,
      };
  }
}

function readAssistant(blocks: unknown[], index: number): Read {
  const texts: string[] = [];
  const all: string[] = [];
  const toolCalls: { id: string; name: string }[] = [];
  for (const [blockIndex, block] of blocks.entries()) {
    const path = `messages.${index}.content.${blockIndex}`;
    if (!isRecord(block) || typeof block["type"] !== "string")
      return { ok: false, message: `${path}: Field required` };
    if (block["type"] === "text" && typeof block["text"] === "string") {
      texts.push(block["text"]);
      all.push(block["text"]);
    } else if (block["type"] === "tool_use") {
      const { id, name, input } = block;
      if (typeof id !== "string" || typeof name !== "string") {
        return { ok: false, message: `${path}: tool_use blocks need an id and a name` };
      }
      if (!isRecord(input))
        return { ok: false, message: `${path}.input: Input should be a valid dictionary` };
      toolCalls.push({ id, name });
      all.push(name, JSON.stringify(input));
    }
  }
  const content = texts.join("\n");
  return {
    messages: [
      {
        role: "assistant",
        text: all.filter((text) => text !== "").join("\n"),
        content,
        toolCallId: undefined,
        toolCalls,
      },
    ],
    toolUses: new Set(toolCalls.map((call) => call.id)),
  };
}

function readTools(
  raw: unknown,
): { list: { name: string; parameters: unknown }[] } | { ok: false; message: string } {
  if (raw === undefined) return { list: [] };
  if (!Array.isArray(raw)) return { ok: false, message: "tools: Input should be a valid list" };
  const list: { name: string; parameters: unknown }[] = [];
  for (const [index, tool] of raw.entries()) {
    if (!isRecord(tool) || typeof tool["name"] !== "string") {
      return { ok: false, message: `tools.${index}.name: Field required` };
    }
    // Server tools (web search, code execution…) have a `type`; the emulator never calls them.
    if (tool["type"] !== undefined && tool["type"] !== "custom") continue;
    const schema = tool["input_schema"];
    if (!isRecord(schema)) return { ok: false, message: `tools.${index}.input_schema: Field required` };
    if (schema["type"] !== "object") {
      return { ok: false, message: `tools.${index}.input_schema.type: Input should be 'object'` };
    }
    list.push({ name: tool["name"], parameters: schema });
  }
  return { list };
}

function readToolChoice(
  raw: unknown,
  names: string[],
): { choice: ToolChoice; disableParallel: boolean } | { ok: false; message: string } {
  if (raw === undefined)
    return { choice: { mode: names.length > 0 ? "auto" : "none" }, disableParallel: false };
  if (!isRecord(raw)) return { ok: false, message: "tool_choice: Input should be a valid dictionary" };
  const disableParallel = raw["disable_parallel_tool_use"] === true;
  switch (raw["type"]) {
    case "auto":
      return { choice: { mode: names.length > 0 ? "auto" : "none" }, disableParallel };
    case "none":
      return { choice: { mode: "none" }, disableParallel: false };
    case "any":
      if (names.length === 0)
        return { ok: false, message: "tool_choice: tool_choice.type 'any' requires tools" };
      return { choice: { mode: "required" }, disableParallel };
    case "tool": {
      const name = raw["name"];
      if (typeof name !== "string") return { ok: false, message: "tool_choice.tool.name: Field required" };
      if (!names.includes(name))
        return { ok: false, message: `tool_choice: Tool '${name}' not found in tools` };
      return { choice: { mode: "function", name }, disableParallel };
    }
    default:
      return {
        ok: false,
        message:
          "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
      };
  }
}
