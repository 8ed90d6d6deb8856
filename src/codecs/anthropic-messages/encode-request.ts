import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type {
  AssistantMessage,
  CacheControl,
  ChatRequest,
  ContentPart,
  DocumentPart,
  ImagePart,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { documentContent, documentText } from "../document.js";
import { claudeCanVerify, REASONING_PARAM } from "../reasoning.js";
import { isObject } from "./wire.js";

type WireObject = Record<string, unknown>;

/**
 * `max_tokens` sent when the client gave none: Anthropic requires it, OpenAI does not. 4096 fits every
 * current Claude model's output limit and is what most OpenAI clients get in practice.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** Image media types the Messages API accepts in a base64 source. */
const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/**
 * Collects body fields under their Anthropic names. A field the provider is configured not to accept
 * (by its Anthropic name or the client's name for it) is dropped with a warning; passthrough fields
 * never override a field the canonical request already set.
 */
class BodyBuilder {
  readonly body: WireObject = {};
  readonly warnings: Warning[] = [];
  readonly #unsupported: ReadonlySet<string> | undefined;
  readonly #warned = new Set<string>();

  constructor(target: EncodeTarget) {
    this.#unsupported = target.unsupportedFields;
  }

  set(name: string, value: unknown, clientName = name): void {
    if (value === undefined || Object.hasOwn(this.body, name)) return;
    if (this.#unsupported?.has(name) === true || this.#unsupported?.has(clientName) === true) {
      this.warn("parameter_ignored", clientName, "is not supported by the selected provider and was ignored");
      return;
    }
    this.body[name] = value;
  }

  /** One warning per parameter and code, however many messages carry it. */
  warn(code: Warning["code"], param: string, message: string): void {
    const key = `${code}\u0000${param}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.warnings.push({ code, param, message: `${param} ${message}` });
  }
}

/**
 * A canonical breakpoint → Anthropic's `cache_control`, as the client sent it (Vertex takes the same).
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 */
function withCache(block: WireObject, cache: CacheControl | undefined): WireObject {
  if (cache === undefined) return block;
  block["cache_control"] =
    cache.ttl === undefined ? { type: cache.type } : { type: cache.type, ttl: cache.ttl };
  return block;
}

/** @see https://docs.anthropic.com/en/docs/build-with-claude/vision#base64-encoded-image-example */
function encodeImage(part: ImagePart, param: string, builder: BodyBuilder): WireObject {
  if (part.detail !== undefined) {
    builder.warn("parameter_ignored", "image_url.detail", "has no equivalent in Anthropic's Messages API");
  }
  const data = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(part.url);
  if (data !== null) {
    const mediaType = (data[1] ?? "").toLowerCase();
    if (!IMAGE_TYPES.has(mediaType)) {
      throw new GatewayError(
        "unsupported_parameter",
        `${param}: Anthropic accepts images of type image/jpeg, image/png, image/gif or image/webp, not '${mediaType}'`,
        { param },
      );
    }
    const payload = data[3] ?? "";
    const base64 = (data[2] ?? "").split(";").includes("base64")
      ? payload
      : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
    return { type: "image", source: { type: "base64", media_type: mediaType, data: base64 } };
  }
  if (/^https?:\/\//i.test(part.url)) return { type: "image", source: { type: "url", url: part.url } };
  throw new GatewayError("unsupported_parameter", `${param}: an image must be an https URL or a data: URL`, {
    param,
  });
}

/**
 * A PDF as a base64 source, a text document as a `text` source (the text itself), a link as a `url`
 * source (Anthropic fetches it; Bedrock's InvokeModel refuses links, so its input limits leave it out).
 * @see https://docs.claude.com/en/docs/build-with-claude/pdf-support
 */
function encodeDocument(part: DocumentPart, param: string): WireObject {
  const content = documentContent(part);
  if (content === undefined)
    throw new GatewayError(
      "unsupported_parameter",
      `${param}: a document must be a base64 PDF, text or an https URL`,
      {
        param,
      },
    );
  const source =
    content.kind === "url"
      ? { type: "url", url: content.url }
      : content.mediaType === "application/pdf"
        ? { type: "base64", media_type: content.mediaType, data: content.data }
        : { type: "text", media_type: content.mediaType, data: documentText(content) };
  const block: WireObject = { type: "document", source };
  if (part.title !== undefined) block["title"] = part.title;
  if (part.context !== undefined) block["context"] = part.context;
  return block;
}

function encodeUserContent(
  content: readonly ContentPart[],
  index: number,
  builder: BodyBuilder,
): WireObject[] {
  const blocks: WireObject[] = [];
  content.forEach((part, partIndex) => {
    if (part.type === "text") {
      // Anthropic rejects empty text blocks.
      if (part.text !== "") blocks.push(withCache({ type: "text", text: part.text }, part.cacheControl));
    } else if (part.type === "document") {
      const param = `messages[${index}].content[${partIndex}].file`;
      blocks.push(withCache(encodeDocument(part, param), part.cacheControl));
    } else {
      const param = `messages[${index}].content[${partIndex}].image_url`;
      blocks.push(withCache(encodeImage(part, param, builder), part.cacheControl));
    }
  });
  return blocks;
}

/**
 * Tool input must be an object: the arguments are parsed here, so invalid JSON is the client's error.
 * Reasoning blocks go back in their place, byte for byte, when a Claude model can verify them
 * (`thinking` with its signature, `redacted_thinking` with its data); others are dropped with a warning.
 * @see https://docs.claude.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
function encodeAssistantContent(
  message: AssistantMessage,
  index: number,
  builder: BodyBuilder,
): WireObject[] {
  const blocks: WireObject[] = [];
  for (const part of message.content) {
    if (part.type === "text") {
      if (part.text !== "") blocks.push(withCache({ type: "text", text: part.text }, part.cacheControl));
    } else if (!claudeCanVerify(part)) {
      builder.warn(
        "parameter_ignored",
        REASONING_PARAM,
        "blocks without a Claude signature cannot be verified by Claude and were dropped",
      );
    } else if (part.redactedData !== undefined) {
      blocks.push({ type: "redacted_thinking", data: part.redactedData });
    } else {
      blocks.push({ type: "thinking", thinking: part.thinking, signature: part.signature });
    }
  }
  (message.toolCalls ?? []).forEach((call, callIndex) => {
    const param = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
    let input: unknown;
    try {
      // A call without arguments often arrives as "": the tool takes no input.
      input = call.arguments.trim() === "" ? {} : (JSON.parse(call.arguments) as unknown);
    } catch {
      input = undefined;
    }
    if (!isObject(input)) {
      throw new GatewayError(
        "invalid_request",
        `messages[${index}]: the arguments of tool call '${call.id}' are not a JSON object, which Anthropic requires as the tool input`,
        { param },
      );
    }
    blocks.push(withCache({ type: "tool_use", id: call.id, name: call.name, input }, call.cacheControl));
  });
  return blocks;
}

/**
 * Canonical messages → Anthropic `messages` (system messages are collected apart). Anthropic needs
 * alternating user/assistant turns, so consecutive turns of one role (tool results are user turns) are
 * merged into one, with tool results first as the API requires.
 * @see https://docs.anthropic.com/en/api/messages#body-messages
 */
function encodeMessages(request: ChatRequest, builder: BodyBuilder, system: WireObject[]): WireObject[] {
  const out: { role: "user" | "assistant"; content: WireObject[] }[] = [];
  request.messages.forEach((message, index) => {
    let role: "user" | "assistant";
    let blocks: WireObject[];
    switch (message.role) {
      case "system":
        system.push(withCache({ type: "text", text: message.content }, message.cacheControl));
        return;
      case "user":
        role = "user";
        blocks = encodeUserContent(message.content, index, builder);
        break;
      case "assistant":
        role = "assistant";
        blocks = encodeAssistantContent(message, index, builder);
        break;
      case "tool": {
        role = "user";
        const result: WireObject = { type: "tool_result", tool_use_id: message.toolCallId };
        if (message.content !== "") result["content"] = message.content;
        blocks = [withCache(result, message.cacheControl)];
        break;
      }
    }
    if ("name" in message && message.name !== undefined) {
      builder.warn("parameter_ignored", "messages[].name", "has no equivalent in Anthropic's Messages API");
    }
    // An empty turn carries nothing and Anthropic rejects empty content.
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  });
  for (const message of out) {
    if (message.role === "user" && message.content.some((block) => block["type"] === "tool_result")) {
      const results = message.content.filter((block) => block["type"] === "tool_result");
      const rest = message.content.filter((block) => block["type"] !== "tool_result");
      message.content = [...results, ...rest];
    }
  }
  return out;
}

/** @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#specifying-client-tools */
function encodeTool(tool: ToolDefinition, builder: BodyBuilder): WireObject {
  const schema = tool.parameters ?? {};
  const wire: WireObject = { name: tool.name };
  if (tool.description !== undefined) wire["description"] = tool.description;
  // Anthropic requires `input_schema.type: "object"`; OpenAI lets a schema omit it.
  wire["input_schema"] = schema["type"] === undefined ? { type: "object", ...schema } : schema;
  withCache(wire, tool.cacheControl);
  if (tool.strict === true) {
    builder.warn(
      "parameter_ignored",
      "tools[].function.strict",
      "is not supported by Anthropic's Messages API",
    );
  }
  return wire;
}

/** @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use */
function encodeToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
  hasTools: boolean,
): WireObject | undefined {
  if (!hasTools) {
    if (choice === undefined || choice.type === "none" || choice.type === "auto") return undefined;
    throw new GatewayError("invalid_request", "tool_choice requires tools", { param: "tool_choice" });
  }
  let wire: WireObject | undefined;
  switch (choice?.type) {
    case undefined:
      wire = undefined;
      break;
    case "auto":
      wire = { type: "auto" };
      break;
    case "none":
      return { type: "none" };
    case "required":
      wire = { type: "any" };
      break;
    case "tool":
      wire = { type: "tool", name: choice.name };
      break;
  }
  if (parallel === false) return { ...(wire ?? { type: "auto" }), disable_parallel_tool_use: true };
  return wire;
}

/**
 * Anthropic's 2023-06-01 API has no JSON mode: JSON output is asked for with a system instruction (every
 * Claude model follows it) rather than `output_config.format`, which only some models accept. A client
 * of Anthropic's own dialect can still send `output_config` as a passthrough field.
 */
function jsonInstruction(format: ResponseFormat): string | undefined {
  switch (format.type) {
    case "text":
      return undefined;
    case "json":
      return "Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.";
    case "json-schema": {
      const about = format.description === undefined ? "" : ` (${format.description})`;
      const schema = JSON.stringify(format.schema ?? { type: "object" });
      return `Respond with a single valid JSON value and nothing else: no prose, no Markdown code fences. It must conform to the JSON Schema named "${format.name}"${about}: ${schema}`;
    }
  }
}

/**
 * Canonical request → Anthropic Messages body (Anthropic itself, Claude on Vertex after its transport moves
 * `model` into the path).
 * @see https://docs.anthropic.com/en/api/messages
 */
export function encodeAnthropicMessagesRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const builder = new BodyBuilder(target);
  const body = builder.body;
  body["model"] = target.nativeModel;
  const system: WireObject[] = [];
  const messages = encodeMessages(request, builder, system);

  if (request.maxOutputTokens !== undefined) {
    body["max_tokens"] = request.maxOutputTokens;
  } else {
    body["max_tokens"] = DEFAULT_MAX_TOKENS;
    builder.warn(
      "parameter_changed",
      "max_tokens",
      `is required by Anthropic and the request gave none; ${DEFAULT_MAX_TOKENS} was sent`,
    );
  }
  if (request.responseFormat !== undefined) {
    const instruction = jsonInstruction(request.responseFormat);
    if (instruction !== undefined) {
      system.push({ type: "text", text: instruction });
      builder.warn(
        "parameter_changed",
        "response_format",
        "has no equivalent in Anthropic's Messages API; JSON output was asked for in the system prompt",
      );
    }
  }
  // Blocks only when one carries a breakpoint: a plain string otherwise, as most clients send it.
  const systemBlocks = system.filter((block) => block["text"] !== "");
  if (systemBlocks.some((block) => block["cache_control"] !== undefined)) {
    builder.set("system", systemBlocks);
  } else {
    const joined = systemBlocks.map((block) => block["text"] as string).join("\n\n");
    if (joined !== "") builder.set("system", joined);
  }
  body["messages"] = messages;
  if (request.stream) body["stream"] = true;

  if (request.temperature !== undefined && request.temperature > 1) {
    builder.set("temperature", 1);
    builder.warn(
      "parameter_changed",
      "temperature",
      `${request.temperature} is above Anthropic's maximum; 1 was sent`,
    );
  } else {
    builder.set("temperature", request.temperature);
  }
  builder.set("top_p", request.topP);
  if (request.stop !== undefined && request.stop.length > 0)
    builder.set("stop_sequences", request.stop, "stop");
  if (request.user !== undefined) builder.set("metadata", { user_id: request.user }, "user");
  if (request.seed !== undefined) {
    builder.warn("parameter_ignored", "seed", "has no equivalent in Anthropic's Messages API");
  }
  if (request.metadata !== undefined) {
    builder.warn(
      "parameter_ignored",
      "metadata",
      "has no equivalent in Anthropic's Messages API (only user_id)",
    );
  }
  const tools = request.tools ?? [];
  if (tools.length > 0)
    builder.set(
      "tools",
      tools.map((tool) => encodeTool(tool, builder)),
    );
  builder.set(
    "tool_choice",
    encodeToolChoice(request.toolChoice, request.parallelToolCalls, tools.length > 0),
  );

  const passthrough = request.passthrough;
  if (passthrough?.dialect === "anthropic-messages") {
    for (const name in passthrough.fields) builder.set(name, passthrough.fields[name]);
  } else if (passthrough !== undefined) {
    for (const name in passthrough.fields) {
      builder.warn(
        "parameter_ignored",
        name,
        "has no equivalent in Anthropic's Messages API and was ignored",
      );
    }
  }
  return { body, warnings: builder.warnings };
}
