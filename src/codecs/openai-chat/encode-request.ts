import { foreignDialectWarnings, textParts } from "../reasoning.js";
import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import { openaiFileFields } from "../document.js";
import type {
  ChatRequest,
  ContentPart,
  Message,
  ResponseFormat,
  ToolChoice,
} from "../../core/chat-request.js";

type WireObject = Record<string, unknown>;

/**
 * Collects body fields, dropping each one the target does not accept with a warning.
 * Passthrough fields never override a field the canonical request already set.
 */
export class BodyBuilder {
  readonly body: WireObject = {};
  readonly warnings: Warning[] = [];
  readonly #unsupported: ReadonlySet<string> | undefined;

  constructor(target: EncodeTarget) {
    this.#unsupported = target.unsupportedFields;
  }

  set(name: string, value: unknown): void {
    if (value === undefined || Object.hasOwn(this.body, name)) return;
    if (this.#unsupported?.has(name) === true) {
      this.warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} is not supported by the selected provider and was ignored`,
      });
      return;
    }
    this.body[name] = value;
  }

  supports(name: string): boolean {
    return this.#unsupported?.has(name) !== true;
  }
}

/**
 * Documents become `file` parts with the PDF inline as `file_data` (OpenAI reads only PDFs this way).
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function encodeUserContent(
  content: readonly ContentPart[],
  index: number,
  warnings: Warning[],
): string | WireObject[] {
  const only = content[0];
  if (content.length === 1 && only?.type === "text") return only.text;
  let documents = 0;
  return content.map((part, position) => {
    if (part.type === "text") return { type: "text", text: part.text };
    if (part.type === "document") {
      documents += 1;
      const param = `messages[${index}].content[${position}].file`;
      return { type: "file", file: openaiFileFields(part, param, documents, warnings) };
    }
    return {
      type: "image_url",
      image_url: part.detail === undefined ? { url: part.url } : { url: part.url, detail: part.detail },
    };
  });
}

function encodeMessage(message: Message, index: number, warnings: Warning[]): WireObject {
  switch (message.role) {
    case "system":
      return message.name === undefined
        ? { role: message.originalRole ?? "system", content: message.content }
        : { role: message.originalRole ?? "system", content: message.content, name: message.name };
    case "user": {
      const wire: WireObject = { role: "user", content: encodeUserContent(message.content, index, warnings) };
      if (message.name !== undefined) wire["name"] = message.name;
      return wire;
    }
    case "assistant": {
      const calls = message.toolCalls ?? [];
      const parts = textParts(message.content);
      const only = parts[0];
      const content =
        only === undefined
          ? calls.length > 0
            ? null
            : ""
          : parts.length === 1
            ? only.text
            : parts.map((part) => ({ type: "text", text: part.text }));
      const wire: WireObject = { role: "assistant", content };
      if (calls.length > 0) {
        wire["tool_calls"] = calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      if (message.name !== undefined) wire["name"] = message.name;
      return wire;
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type;
}

function encodeResponseFormat(format: ResponseFormat): WireObject {
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json":
      return { type: "json_object" };
    case "json-schema": {
      const schema: WireObject = { name: format.name };
      if (format.description !== undefined) schema["description"] = format.description;
      if (format.schema !== undefined) schema["schema"] = format.schema;
      if (format.strict !== undefined) schema["strict"] = format.strict;
      return { type: "json_schema", json_schema: schema };
    }
  }
}

/**
 * Canonical request → OpenAI chat completions body (also Azure and OpenAI-compatible servers).
 * Streaming always asks for usage: the gateway accounts for every request; the ingress hides
 * the usage chunk from clients that did not ask for it.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function encodeOpenAIChatRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const builder = new BodyBuilder(target);
  const body = builder.body;
  body["model"] = target.nativeModel;
  body["messages"] = request.messages.map((message, index) =>
    encodeMessage(message, index, builder.warnings),
  );
  if (request.stream) {
    body["stream"] = true;
    const passthrough =
      request.passthrough?.dialect === "openai-chat" ? request.passthrough.fields : undefined;
    const extra = passthrough?.["stream_options"];
    builder.set("stream_options", {
      ...(typeof extra === "object" && extra !== null ? extra : {}),
      include_usage: true,
    });
  }
  if (request.maxOutputTokens !== undefined) {
    // Older compatible servers know only the deprecated name; same meaning for non-reasoning models.
    if (!builder.supports("max_completion_tokens") && builder.supports("max_tokens")) {
      builder.set("max_tokens", request.maxOutputTokens);
      builder.warnings.push({
        code: "parameter_changed",
        param: "max_completion_tokens",
        message: "the selected provider does not accept max_completion_tokens; it was sent as max_tokens",
      });
    } else {
      builder.set("max_completion_tokens", request.maxOutputTokens);
    }
  }
  builder.set("temperature", request.temperature);
  builder.set("top_p", request.topP);
  builder.set("stop", request.stop);
  builder.set("seed", request.seed);
  builder.set("user", request.user);
  builder.set("metadata", request.metadata);
  if (request.tools !== undefined) {
    builder.set(
      "tools",
      request.tools.map((tool) => {
        const fn: WireObject = { name: tool.name };
        if (tool.description !== undefined) fn["description"] = tool.description;
        if (tool.parameters !== undefined) fn["parameters"] = tool.parameters;
        if (tool.strict !== undefined) fn["strict"] = tool.strict;
        return { type: "function", function: fn };
      }),
    );
  }
  if (request.toolChoice !== undefined) builder.set("tool_choice", encodeToolChoice(request.toolChoice));
  builder.set("parallel_tool_calls", request.parallelToolCalls);
  if (request.responseFormat !== undefined)
    builder.set("response_format", encodeResponseFormat(request.responseFormat));
  const passthrough = request.passthrough;
  if (passthrough?.dialect === "openai-chat") {
    const fields = passthrough.fields;
    for (const name in fields) {
      if (name === "stream_options") continue;
      builder.set(name, fields[name]);
    }
  } else if (passthrough !== undefined) {
    // Another dialect's own fields (Anthropic's top_k, thinking…) have no OpenAI meaning: say so.
    for (const name of Object.keys(passthrough.fields)) {
      builder.warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} has no equivalent in the OpenAI chat API`,
      });
    }
  }
  builder.warnings.push(...foreignDialectWarnings(request, "an OpenAI chat completions model"));
  return { body, warnings: builder.warnings };
}
