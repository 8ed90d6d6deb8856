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
import { GatewayError } from "../../errors/gateway-error.js";
import { BodyBuilder } from "../openai-chat/encode-request.js";

type WireObject = Record<string, unknown>;

/** OpenAI refuses a smaller `max_output_tokens` (400 `integer_below_min_value`). */
export const MIN_OUTPUT_TOKENS = 16;

/**
 * Chat Completions fields (as the OpenAI ingresses carry them in `passthrough`) that the Responses API
 * takes under the same name and meaning.
 */
const sameName = new Set(["service_tier", "prompt_cache_key", "safety_identifier"]);

/** Chat Completions fields the Responses API has no place for: each is dropped with a warning. */
const noEquivalent = new Set([
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "prediction",
  "audio",
  "modalities",
  "web_search_options",
]);

/**
 * Documents become `input_file` items: a PDF inline as `file_data`, a link as `file_url` (OpenAI fetches it).
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
    if (part.type === "text") return { type: "input_text", text: part.text };
    if (part.type === "document") {
      documents += 1;
      const param = `input[${index}].content[${position}]`;
      return { type: "input_file", ...openaiFileFields(part, param, documents, warnings, true) };
    }
    return { type: "input_image", image_url: part.url, detail: part.detail ?? "auto" };
  });
}

/**
 * One canonical message → its input items. An assistant turn is its text as a message, then one
 * `function_call` item per call; a tool result is a `function_call_output` with the call's `call_id`.
 * Messages have no `name` in the Responses API: a named message is sent without it, with a warning.
 */
function encodeMessage(message: Message, index: number, builder: BodyBuilder): WireObject[] {
  if (message.role !== "tool" && message.name !== undefined) {
    builder.warnings.push({
      code: "parameter_ignored",
      param: "name",
      message: "the Responses API has no name on messages; the name was not sent",
    });
  }
  switch (message.role) {
    case "system":
      return [{ type: "message", role: message.originalRole ?? "system", content: message.content }];
    case "user":
      return [
        {
          type: "message",
          role: "user",
          content: encodeUserContent(message.content, index, builder.warnings),
        },
      ];
    case "assistant": {
      const items: WireObject[] = [];
      const text = textParts(message.content)
        .map((part) => part.text)
        .join("");
      if (text !== "") items.push({ type: "message", role: "assistant", content: text });
      for (const call of message.toolCalls ?? []) {
        items.push({ type: "function_call", call_id: call.id, name: call.name, arguments: call.arguments });
      }
      return items;
    }
    case "tool":
      return [{ type: "function_call_output", call_id: message.toolCallId, output: message.content }];
  }
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
}

function encodeFormat(format: ResponseFormat): WireObject {
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json":
      return { type: "json_object" };
    case "json-schema": {
      const wire: WireObject = { type: "json_schema", name: format.name };
      if (format.description !== undefined) wire["description"] = format.description;
      if (format.schema !== undefined) wire["schema"] = format.schema;
      if (format.strict !== undefined) wire["strict"] = format.strict;
      return wire;
    }
  }
}

/**
 * Canonical request → an OpenAI Responses API body (`POST /responses`, on OpenAI and Azure's v1 route),
 * stateless: the whole conversation travels in `input` and `store` is false unless the client asked,
 * because Chat Completions stores nothing by default and the gateway keeps its own conversation state.
 * Function tools are sent with `strict: false` unless the client said otherwise: the Responses API
 * defaults to strict schemas, which would refuse schemas Chat Completions accepts.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function encodeOpenAIResponsesRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const builder = new BodyBuilder(target);
  const body = builder.body;
  body["model"] = target.nativeModel;
  body["input"] = request.messages.flatMap((message, index) => encodeMessage(message, index, builder));
  if (request.stream) body["stream"] = true;
  const passthrough = request.passthrough?.dialect === "openai-chat" ? request.passthrough.fields : undefined;
  builder.set("store", typeof passthrough?.["store"] === "boolean" ? passthrough["store"] : false);
  if (request.maxOutputTokens !== undefined) {
    if (request.maxOutputTokens < MIN_OUTPUT_TOKENS && builder.supports("max_output_tokens")) {
      // Raising it would change the answer; refusing lets the executor try another offering.
      throw new GatewayError(
        "unsupported_parameter",
        `the Responses API needs at least ${MIN_OUTPUT_TOKENS} output tokens, and ${request.maxOutputTokens} were asked for`,
        { param: "max_output_tokens" },
      );
    }
    builder.set("max_output_tokens", request.maxOutputTokens);
  }
  builder.set("temperature", request.temperature);
  builder.set("top_p", request.topP);
  builder.set("user", request.user);
  builder.set("metadata", request.metadata);
  for (const [name, value] of [
    ["stop", request.stop],
    ["seed", request.seed],
  ] as const) {
    if (value === undefined) continue;
    builder.warnings.push({
      code: "parameter_ignored",
      param: name,
      message: `${name} has no equivalent in the OpenAI Responses API and was ignored`,
    });
  }
  if (request.tools !== undefined) {
    builder.set(
      "tools",
      request.tools.map((tool) => {
        const wire: WireObject = { type: "function", name: tool.name };
        if (tool.description !== undefined) wire["description"] = tool.description;
        wire["parameters"] = tool.parameters ?? { type: "object", properties: {} };
        wire["strict"] = tool.strict ?? false;
        return wire;
      }),
    );
  }
  if (request.toolChoice !== undefined) builder.set("tool_choice", encodeToolChoice(request.toolChoice));
  builder.set("parallel_tool_calls", request.parallelToolCalls);
  const text: WireObject = {};
  if (request.responseFormat !== undefined) text["format"] = encodeFormat(request.responseFormat);
  if (passthrough?.["verbosity"] !== undefined) text["verbosity"] = passthrough["verbosity"];
  if (Object.keys(text).length > 0) builder.set("text", text);
  if (passthrough?.["reasoning_effort"] !== undefined)
    builder.set("reasoning", { effort: passthrough["reasoning_effort"] });
  if (passthrough !== undefined) encodeChatFields(passthrough, builder);
  else if (request.passthrough !== undefined) {
    for (const name of Object.keys(request.passthrough.fields)) {
      builder.warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} has no equivalent in the OpenAI Responses API`,
      });
    }
  }
  builder.warnings.push(...foreignDialectWarnings(request, "an OpenAI Responses model"));
  return { body, warnings: builder.warnings };
}

/** The Chat Completions fields of an OpenAI client, onto their Responses names (or a warning). */
function encodeChatFields(fields: Readonly<Record<string, unknown>>, builder: BodyBuilder): void {
  for (const name in fields) {
    const value = fields[name];
    if (sameName.has(name)) builder.set(name, value);
    else if (name === "stream_options") {
      // Usage always comes with a Responses stream; only obfuscation has a switch.
      const options = value as Record<string, unknown> | null;
      const obfuscation = options?.["include_obfuscation"];
      if (typeof obfuscation === "boolean")
        builder.set("stream_options", { include_obfuscation: obfuscation });
    } else if (noEquivalent.has(name)) {
      builder.warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} has no equivalent in the OpenAI Responses API and was ignored`,
      });
    }
    // `n` (always 1 here), `store`, `verbosity` and `reasoning_effort` are placed above.
  }
}
