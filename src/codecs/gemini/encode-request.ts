import { foreignDialectWarnings, textParts } from "../reasoning.js";
import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type {
  AssistantMessage,
  ChatRequest,
  ContentPart,
  DocumentPart,
  Message,
  ToolChoice,
  ToolDefinition,
} from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { documentContent } from "../document.js";
import { functionParameters } from "./schema.js";
import { unpackThoughtSignature } from "./tool-call-id.js";
import { isObject, type JsonObject } from "./wire.js";

type Part = JsonObject;
interface Content {
  role: "user" | "model";
  parts: Part[];
}

/** Gemini allows at most five stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** Image types Gemini reads, by file extension, for https URLs sent as `fileData`. */
const imageTypes: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
};

/** OpenAI fields that arrive as passthrough and have a Gemini `generationConfig` equivalent. */
const passthroughConfig: Readonly<Record<string, string>> = {
  presence_penalty: "presencePenalty",
  frequency_penalty: "frequencyPenalty",
};

class Encoder {
  readonly warnings: Warning[] = [];
  readonly #unsupported: ReadonlySet<string> | undefined;

  constructor(target: EncodeTarget) {
    this.#unsupported = target.unsupportedFields;
  }

  /** Whether the provider accepts a field (named as the client named it); warns when it does not. */
  accepts(param: string): boolean {
    if (this.#unsupported?.has(param) !== true) return true;
    this.ignored(param, `${param} is not supported by the selected provider and was ignored`);
    return false;
  }

  ignored(param: string, message: string): void {
    this.warnings.push({ code: "parameter_ignored", param, message });
  }

  changed(param: string, message: string): void {
    this.warnings.push({ code: "parameter_changed", param, message });
  }
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError("unsupported_parameter", message, { param });
}

/** `data:` URL → `inlineData`; http(s) URL → `fileData` with the type its extension names. */
function imagePart(url: string, param: string): Part {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { inlineData: { mimeType: data[1], data: data[2] } };
  if (url.startsWith("data:")) throw unsupported(param, "only base64 data: URLs are supported for images");
  let path: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:" && parsed.protocol !== "gs:")
      throw new Error("scheme");
    path = parsed.pathname;
  } catch {
    throw unsupported(param, "an image URL must be an https URL or a base64 data: URL");
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : imageTypes[extension];
  if (mimeType === undefined) {
    throw unsupported(
      param,
      "Gemini needs the image's media type: use a data: URL, or a URL ending in .png, .jpg, .jpeg, .webp, .gif, .heic or .heif",
    );
  }
  return { fileData: { mimeType, fileUri: url } };
}

/**
 * A PDF or text document inline as `inlineData`. Gemini has no document title or context: each is
 * dropped with a warning. Links are left out by the input limits (a codec never fetches).
 * @see https://ai.google.dev/gemini-api/docs/document-processing
 */
function documentPart(part: DocumentPart, param: string, encoder: Encoder): Part {
  const content = documentContent(part);
  if (content?.kind !== "inline")
    throw unsupported(
      param,
      "Gemini takes documents only as inline data: send the document base64, not a link",
    );
  if (part.title !== undefined)
    encoder.ignored(`${param}.filename`, "Gemini has no document title; the title was not sent");
  if (part.context !== undefined)
    encoder.ignored(`${param}.context`, "Gemini has no document context; context was ignored");
  return { inlineData: { mimeType: content.mediaType, data: content.data } };
}

function userParts(content: readonly ContentPart[], index: number, encoder: Encoder): Part[] {
  return content.map((part, position) => {
    if (part.type === "text") return { text: part.text };
    if (part.type === "document")
      return documentPart(part, `messages[${index}].content[${position}].file`, encoder);
    const param = `messages[${index}].content[${position}].image_url`;
    if (part.detail !== undefined && part.detail !== "auto")
      encoder.ignored(`${param}.detail`, "Gemini has no per-image detail setting; detail was ignored");
    return imagePart(part.url, param);
  });
}

function parseArguments(text: string, param: string): JsonObject {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError("invalid_request", "tool call arguments must be JSON for Gemini", { param });
  }
  if (!isObject(value))
    throw new GatewayError("invalid_request", "tool call arguments must be a JSON object", { param });
  return value;
}

function modelParts(message: AssistantMessage, index: number): Part[] {
  const parts: Part[] = [];
  for (const part of textParts(message.content)) if (part.text !== "") parts.push({ text: part.text });
  (message.toolCalls ?? []).forEach((call, position) => {
    const part: Part = {
      functionCall: {
        name: call.name,
        args: parseArguments(call.arguments, `messages[${index}].tool_calls[${position}].function.arguments`),
      },
    };
    const signature = unpackThoughtSignature(call.id);
    if (signature !== undefined) part["thoughtSignature"] = signature;
    parts.push(part);
  });
  return parts;
}

/** The function name of a tool result: Gemini names results, OpenAI only points at the call's id. */
function toolName(messages: readonly Message[], before: number, id: string): string | undefined {
  for (let index = before - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role !== "assistant") continue;
    const call = message.toolCalls?.find((candidate) => candidate.id === id);
    if (call !== undefined) return call.name;
  }
  return undefined;
}

/** A tool result's text → `functionResponse.response`, which must be an object: `{output: …}`. */
function toolResponse(content: string): JsonObject {
  try {
    return { output: JSON.parse(content) as unknown };
  } catch {
    return { output: content };
  }
}

/**
 * Messages → `systemInstruction` and `contents`. Consecutive turns of one role are merged (tool results
 * and a following user message form one user turn), because Gemini expects user and model to alternate.
 */
function encodeMessages(
  messages: readonly Message[],
  encoder: Encoder,
): { system: Part[]; contents: Content[] } {
  const system: Part[] = [];
  const contents: Content[] = [];
  let conversationStarted = false;
  const push = (role: Content["role"], parts: Part[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, index) => {
    if ((message.role === "user" || message.role === "assistant") && message.name !== undefined)
      encoder.ignored(`messages[${index}].name`, "Gemini has no participant names; name was ignored");
    switch (message.role) {
      case "system":
        if (conversationStarted)
          encoder.changed(
            `messages[${index}]`,
            "Gemini takes system instructions only before the conversation; this one joined the others",
          );
        if (message.content !== "") system.push({ text: message.content });
        return;
      case "user":
        conversationStarted = true;
        return push("user", userParts(message.content, index, encoder));
      case "assistant":
        conversationStarted = true;
        return push("model", modelParts(message, index));
      case "tool": {
        conversationStarted = true;
        const name = toolName(messages, index, message.toolCallId);
        if (name === undefined) {
          throw new GatewayError(
            "invalid_request",
            `no earlier assistant message has a tool call with id ${message.toolCallId}`,
            { param: `messages[${index}].tool_call_id` },
          );
        }
        return push("user", [{ functionResponse: { name, response: toolResponse(message.content) } }]);
      }
    }
  });
  return { system, contents };
}

function encodeTool(tool: ToolDefinition, index: number, encoder: Encoder): JsonObject {
  const declaration: JsonObject = { name: tool.name };
  if (tool.description !== undefined) declaration["description"] = tool.description;
  const schema = tool.parameters;
  const properties = schema?.["properties"];
  // Gemini rejects an object schema without properties: a function without parameters has none.
  const empty =
    schema?.["type"] === "object" && (!isObject(properties) || Object.keys(properties).length === 0);
  if (schema !== undefined && !empty) {
    const { field, value } = functionParameters(schema);
    declaration[field] = value;
  }
  if (tool.strict === true)
    encoder.ignored(
      `tools[${index}].function.strict`,
      "Gemini has no strict function schemas; strict was ignored",
    );
  return declaration;
}

function encodeToolChoice(choice: ToolChoice): JsonObject {
  switch (choice.type) {
    case "auto":
      return { mode: "AUTO" };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY" };
    case "tool":
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
  }
}

function generationConfig(request: ChatRequest, encoder: Encoder): JsonObject {
  const config: JsonObject = {};
  const set = (param: string, field: string, value: unknown): void => {
    if (value !== undefined && encoder.accepts(param)) config[field] = value;
  };
  set("max_completion_tokens", "maxOutputTokens", request.maxOutputTokens);
  set("temperature", "temperature", request.temperature);
  set("top_p", "topP", request.topP);
  if (request.stop !== undefined && request.stop.length > MAX_STOP_SEQUENCES)
    throw unsupported("stop", `Gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences`);
  set("stop", "stopSequences", request.stop);
  set("seed", "seed", request.seed);
  const format = request.responseFormat;
  if (format !== undefined && format.type !== "text" && encoder.accepts("response_format")) {
    config["responseMimeType"] = "application/json";
    if (format.type === "json-schema" && format.schema !== undefined)
      config["responseJsonSchema"] = format.schema;
  }
  const passthrough = request.passthrough;
  if (passthrough !== undefined && passthrough.dialect !== "gemini") {
    for (const name in passthrough.fields) {
      const field = passthroughConfig[name];
      if (field !== undefined) set(name, field, passthrough.fields[name]);
      else encoder.ignored(name, `${name} has no Gemini equivalent and was ignored`);
    }
  }
  return config;
}

/**
 * Canonical request → Gemini `generateContent` body (the same body streams: the transport picks
 * `:streamGenerateContent?alt=sse`). `candidateCount` is never sent: one candidate is the default.
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference
 */
export function encodeGeminiChatRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const encoder = new Encoder(target);
  const { system, contents } = encodeMessages(request.messages, encoder);
  if (contents.length === 0)
    throw new GatewayError("invalid_request", "Gemini needs at least one user or assistant message", {
      param: "messages",
    });
  const body: JsonObject = { contents };
  if (system.length > 0) body["systemInstruction"] = { parts: system };
  if (request.tools !== undefined && request.tools.length > 0 && encoder.accepts("tools")) {
    body["tools"] = [
      { functionDeclarations: request.tools.map((tool, index) => encodeTool(tool, index, encoder)) },
    ];
    if (request.toolChoice !== undefined && encoder.accepts("tool_choice"))
      body["toolConfig"] = { functionCallingConfig: encodeToolChoice(request.toolChoice) };
  }
  if (request.parallelToolCalls === false)
    encoder.ignored("parallel_tool_calls", "Gemini cannot forbid parallel function calls; it was ignored");
  if (request.user !== undefined) encoder.ignored("user", "Gemini has no end-user id; user was ignored");
  if (request.metadata !== undefined)
    encoder.ignored("metadata", "Gemini has no request metadata; metadata was ignored");
  const config = generationConfig(request, encoder);
  if (Object.keys(config).length > 0) body["generationConfig"] = config;
  if (request.passthrough?.dialect === "gemini") {
    const fields = request.passthrough.fields;
    for (const name in fields) if (!Object.hasOwn(body, name)) body[name] = fields[name];
  }
  encoder.warnings.push(...foreignDialectWarnings(request, "a Gemini model"));
  return { body, warnings: encoder.warnings };
}
