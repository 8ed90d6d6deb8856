import type { ChatMessage, ChatRequest, FunctionTool, ResponseFormat, ToolChoice } from "../chat-request.js";
import { isRecord } from "../chat-request.js";
import { base64Bytes, pdfProblem, readDocument, type ReadDocument } from "../documents.js";

/** A Gemini request as the emulator understands it: the shared ChatRequest plus what only Gemini has. */
export interface GenerateRequest {
  chat: ChatRequest;
  /** Function calls of the current turn's model contents, with whether each carried a signature. */
  currentTurnCalls: { name: string; signature: string | undefined; position: number; first: boolean }[];
}

type Parsed = { ok: true; request: GenerateRequest } | { ok: false; message: string };

/** Reads a field in camelCase or snake_case: the API accepts both (proto3 JSON mapping). */
function field(object: Record<string, unknown>, camel: string): unknown {
  if (camel in object) return object[camel];
  return object[camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Gemini schemas may spell types in upper case (`STRING`, as js-genai's `Type` enum does). */
function lowerTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === "type" && typeof value === "string" ? value.toLowerCase() : lowerTypes(value);
  }
  return out;
}

function partsText(parts: Record<string, unknown>[]): string {
  return parts
    .filter((part) => typeof part["text"] === "string" && field(part, "thought") !== true)
    .map((part) => part["text"] as string)
    .join("\n");
}

/**
 * Validates and reads a `generateContent` body (Gemini API and Vertex). Tool calls and results are
 * linked by function name, as Gemini links them.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function parseGenerateRequest(body: unknown, model: string, stream: boolean): Parsed {
  if (!isRecord(body)) return { ok: false, message: "Invalid JSON payload received. Expected an object." };
  const contents = field(body, "contents");
  if (!Array.isArray(contents) || contents.length === 0)
    return { ok: false, message: "* GenerateContentRequest.contents: contents is not specified\n" };
  const messages: ChatMessage[] = [];
  const system = field(body, "systemInstruction");
  if (isRecord(system)) {
    const text = partsText(records(system["parts"]));
    if (text !== "")
      messages.push({ role: "system", text, content: text, toolCallId: undefined, toolCalls: [] });
  } else if (typeof system === "string" && system !== "") {
    messages.push({ role: "system", text: system, content: system, toolCallId: undefined, toolCalls: [] });
  }
  let lastUserText = -1;
  for (const [index, content] of contents.entries()) {
    if (!isRecord(content))
      return { ok: false, message: `* GenerateContentRequest.contents[${index}]: must be an object\n` };
    const role = content["role"] ?? "user";
    if (role !== "user" && role !== "model")
      return { ok: false, message: `Please use a valid role: user, model.` };
    const parts = records(content["parts"]);
    if (parts.length === 0)
      return {
        ok: false,
        message: `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`,
      };
    const text = partsText(parts);
    if (role === "model") {
      const toolCalls: { id: string; name: string }[] = [];
      const texts = [text];
      for (const part of parts) {
        const call = field(part, "functionCall");
        if (!isRecord(call) || typeof call["name"] !== "string") continue;
        toolCalls.push({ id: `fn:${call["name"]}`, name: call["name"] });
        texts.push(call["name"], JSON.stringify(call["args"] ?? {}));
      }
      messages.push({
        role: "assistant",
        text: texts.filter((t) => t !== "").join("\n"),
        content: text,
        toolCallId: undefined,
        toolCalls,
      });
      continue;
    }
    for (const part of parts) {
      const response = field(part, "functionResponse");
      if (!isRecord(response) || typeof response["name"] !== "string") continue;
      const payload = response["response"];
      const output = isRecord(payload) && "output" in payload ? payload["output"] : payload;
      const result = typeof output === "string" ? output : JSON.stringify(output ?? null);
      messages.push({
        role: "tool",
        text: result,
        content: result,
        toolCallId: `fn:${response["name"]}`,
        toolCalls: [],
      });
    }
    const documents = readInlineDocuments(parts, index);
    if ("message" in documents) return documents;
    if (
      text !== "" ||
      parts.some((part) => field(part, "inlineData") !== undefined || field(part, "fileData") !== undefined)
    ) {
      lastUserText = index;
      const content = [text, ...documents.map((document) => document.note)]
        .filter((t) => t !== "")
        .join("\n");
      const documentTokens = documents.reduce((sum, document) => sum + document.tokens, 0);
      messages.push({
        role: "user",
        text,
        content,
        toolCallId: undefined,
        toolCalls: [],
        ...(documentTokens > 0 ? { documentTokens } : {}),
      });
    }
  }
  const currentTurnCalls: GenerateRequest["currentTurnCalls"] = [];
  for (const [index, content] of contents.entries()) {
    if (index <= lastUserText || !isRecord(content) || content["role"] !== "model") continue;
    let first = true;
    for (const [position, part] of records(content["parts"]).entries()) {
      const call = field(part, "functionCall");
      if (!isRecord(call) || typeof call["name"] !== "string") continue;
      const signature = field(part, "thoughtSignature");
      currentTurnCalls.push({
        name: call["name"],
        signature: typeof signature === "string" ? signature : undefined,
        position,
        first,
      });
      first = false;
    }
  }

  const rawTools = field(body, "tools");
  const tools: FunctionTool[] = [];
  for (const tool of records(rawTools)) {
    for (const declaration of records(field(tool, "functionDeclarations"))) {
      if (typeof declaration["name"] !== "string")
        return {
          ok: false,
          message: "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.\n",
        };
      const parameters = field(declaration, "parameters") ?? field(declaration, "parametersJsonSchema");
      tools.push({ name: declaration["name"], parameters: lowerTypes(parameters ?? { type: "object" }) });
    }
  }

  const toolConfig = field(body, "toolConfig");
  const callingConfig = isRecord(toolConfig) ? field(toolConfig, "functionCallingConfig") : undefined;
  const mode = isRecord(callingConfig) ? callingConfig["mode"] : undefined;
  const allowedRaw = isRecord(callingConfig) ? field(callingConfig, "allowedFunctionNames") : undefined;
  const allowed = Array.isArray(allowedRaw)
    ? allowedRaw.filter((name): name is string => typeof name === "string")
    : [];
  let toolChoice: ToolChoice = { mode: tools.length > 0 ? "auto" : "none" };
  let offered = tools;
  if (mode === "NONE") toolChoice = { mode: "none" };
  else if (mode === "ANY" || mode === "VALIDATED") {
    if (allowed.length > 0) offered = tools.filter((tool) => allowed.includes(tool.name));
    const only = offered[0];
    toolChoice =
      allowed.length === 1 && only !== undefined
        ? { mode: "function", name: only.name }
        : { mode: "required" };
  }

  const config = field(body, "generationConfig");
  const generation = isRecord(config) ? config : {};
  const maxOutput = field(generation, "maxOutputTokens");
  if (
    maxOutput !== undefined &&
    (typeof maxOutput !== "number" || !Number.isInteger(maxOutput) || maxOutput < 1)
  )
    return {
      ok: false,
      message: "* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n",
    };
  const stopRaw = field(generation, "stopSequences");
  const stop = Array.isArray(stopRaw)
    ? stopRaw.filter((s): s is string => typeof s === "string" && s !== "")
    : [];
  if (stop.length > 5)
    return {
      ok: false,
      message:
        "* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed\n",
    };
  const candidateCount = field(generation, "candidateCount");
  if (typeof candidateCount === "number" && candidateCount !== 1)
    return { ok: false, message: "The emulator only supports candidateCount 1." };
  let responseFormat: ResponseFormat = { type: "text" };
  if (field(generation, "responseMimeType") === "application/json") {
    const schema = field(generation, "responseJsonSchema") ?? field(generation, "responseSchema");
    responseFormat =
      schema === undefined ? { type: "json_object" } : { type: "json_schema", schema: lowerTypes(schema) };
  }

  return {
    ok: true,
    request: {
      chat: {
        model,
        messages,
        stream,
        includeUsage: true,
        includeObfuscation: false,
        maxTokens: typeof maxOutput === "number" ? maxOutput : undefined,
        stop,
        tools: offered,
        rawTools,
        toolChoice,
        parallelToolCalls: true,
        responseFormat,
      },
      currentTurnCalls,
    },
  };
}

/**
 * Inline PDF and plain-text parts, checked as Gemini checks them (the bytes must decode; a PDF must be
 * one), noted and counted. Other inline data (images) is carried unread, as before.
 * @see https://ai.google.dev/gemini-api/docs/document-processing
 */
function readInlineDocuments(
  parts: readonly Record<string, unknown>[],
  index: number,
): ReadDocument[] | { ok: false; message: string } {
  const documents: ReadDocument[] = [];
  for (const [position, part] of parts.entries()) {
    const inline = field(part, "inlineData");
    if (!isRecord(inline)) continue;
    const mimeType = field(inline, "mimeType");
    if (mimeType !== "application/pdf" && mimeType !== "text/plain") continue;
    const data = field(inline, "data");
    const at = `contents[${index}].parts[${position}].inline_data.data`;
    if (typeof data !== "string")
      return { ok: false, message: `* GenerateContentRequest.${at}: missing data\n` };
    const problem = pdfProblem(data);
    if (problem === "base64")
      return { ok: false, message: `Invalid value at '${at}' (TYPE_BYTES), Base64 decoding failed` };
    if (problem === "pdf" && mimeType === "application/pdf")
      return { ok: false, message: "The document has no pages." };
    documents.push(readDocument(mimeType, base64Bytes(data)));
  }
  return documents;
}
