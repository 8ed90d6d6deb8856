import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type {
  AssistantMessage,
  CacheControl,
  ChatRequest,
  ContentPart,
  DocumentPart,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { documentContent, documentName } from "../document.js";
import { claudeCanVerify, REASONING_PARAM } from "../reasoning.js";
import type {
  CachePointBlock,
  ContentBlock,
  ConverseMessage,
  ConverseRequest,
  ImageFormat,
  InferenceConfig,
  ToolConfig,
  ToolSpec,
} from "./wire-types.js";

/** Instruction added to the system prompt for `response_format: json_object` (Converse has no JSON mode). */
export const JSON_MODE_INSTRUCTION = "Respond with a single valid JSON object and nothing else.";

const imageFormats: Readonly<Record<string, ImageFormat>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

type SystemBlock = { text: string } | CachePointBlock;

/**
 * Fields of Anthropic's dialect that Claude on Bedrock takes in `additionalModelRequestFields`.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 */
const claudeFields = new Set(["thinking", "top_k"]);

const dataUrl = /^data:([^;,]+)((?:;[^;,]*)*?);base64,(.*)$/s;

/**
 * Whether the target model is Claude: Bedrock's Anthropic model ids (`anthropic.claude-…`, with an
 * inference-profile prefix such as `us.`) and ARNs naming one. Only Claude takes reasoning replay and
 * Claude's request fields; the codec knows the model only by its native id.
 */
export function isClaudeModel(nativeModel: string): boolean {
  return /(^|[./:])anthropic\.claude/.test(nativeModel);
}

class Encoder {
  readonly warnings: Warning[] = [];
  readonly claude: boolean;
  readonly #unsupported: ReadonlySet<string> | undefined;
  readonly #warned = new Set<string>();
  /** Document names already sent: Converse refuses two documents of one name in a request. */
  readonly documentNames = new Set<string>();

  constructor(target: EncodeTarget) {
    this.#unsupported = target.unsupportedFields;
    this.claude = isClaudeModel(target.nativeModel);
  }

  /**
   * A `cachePoint` after a block with a breakpoint. Converse cache points have no TTL field in the
   * reference; a 1-hour breakpoint is sent as the default one, with a warning.
   * @see https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
   */
  cachePoint(cache: CacheControl | undefined): CachePointBlock[] {
    if (cache === undefined) return [];
    if (cache.ttl === "1h") {
      this.changed(
        "cache_control.ttl",
        "Bedrock Converse cache points take no TTL; a 1h breakpoint was sent as Bedrock's default one",
      );
    }
    return [{ cachePoint: { type: "default" } }];
  }

  /** False (with a warning) when the operator marked the field unsupported for this provider. */
  accepts(param: string): boolean {
    if (this.#unsupported?.has(param) !== true) return true;
    this.ignored(param, `${param} is not supported by the selected provider and was ignored`);
    return false;
  }

  ignored(param: string, message: string): void {
    this.#warn({ code: "parameter_ignored", param, message });
  }

  changed(param: string, message: string): void {
    this.#warn({ code: "parameter_changed", param, message });
  }

  #warn(warning: Warning): void {
    if (this.#warned.has(warning.param)) return;
    this.#warned.add(warning.param);
    this.warnings.push(warning);
  }
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError("unsupported_parameter", message, { param });
}

/** `data:` URLs become bytes; an https URL would need a fetch, which a codec never does. */
function encodeImage(url: string, param: string): ContentBlock {
  const match = dataUrl.exec(url);
  if (match === null) {
    throw unsupported(
      param,
      "Bedrock Converse accepts images only as inline bytes: send the image as a data: URL (base64), not a link",
    );
  }
  const mime = (match[1] ?? "").toLowerCase();
  const format = imageFormats[mime];
  if (format === undefined) {
    throw unsupported(param, `Bedrock Converse accepts png, jpeg, gif and webp images, not ${mime}`);
  }
  return { image: { format, source: { bytes: match[3] ?? "" } } };
}

/**
 * A PDF or text document as bytes, with a `name` of the characters Converse allows (derived from the
 * title, unique in the request). Links are left out by the input limits: a codec never fetches.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
function encodeDocument(part: DocumentPart, param: string, encoder: Encoder): ContentBlock {
  const content = documentContent(part);
  if (content?.kind !== "inline") {
    throw unsupported(
      param,
      "Bedrock Converse accepts documents only as inline bytes: send the document base64, not a link",
    );
  }
  if (part.context !== undefined)
    encoder.ignored(`${param}.context`, "Bedrock Converse has no document context; context was ignored");
  const base = documentName(part, encoder.documentNames.size + 1);
  let name = base;
  for (let suffix = 2; encoder.documentNames.has(name); suffix += 1)
    name = `${base.slice(0, 190)} (${suffix})`;
  encoder.documentNames.add(name);
  const format = content.mediaType === "application/pdf" ? "pdf" : "txt";
  return { document: { format, name, source: { bytes: content.data } } };
}

function encodeUserContent(content: readonly ContentPart[], at: number, encoder: Encoder): ContentBlock[] {
  return content.flatMap((part, index): ContentBlock[] => {
    if (part.type === "text") return [{ text: part.text }, ...encoder.cachePoint(part.cacheControl)];
    if (part.type === "document") {
      const param = `messages[${at}].content[${index}].file`;
      return [encodeDocument(part, param, encoder), ...encoder.cachePoint(part.cacheControl)];
    }
    const param = `messages[${at}].content[${index}].image_url`;
    if (part.detail !== undefined) {
      encoder.ignored(`${param}.detail`, "Bedrock Converse has no image detail setting; detail was ignored");
    }
    return [encodeImage(part.url, `${param}.url`), ...encoder.cachePoint(part.cacheControl)];
  });
}

function encodeToolInput(text: string, param: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let input: unknown;
  try {
    input = JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError(
      "invalid_request",
      "tool call arguments must be valid JSON to be sent to Bedrock Converse",
      { param },
    );
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new GatewayError(
      "invalid_request",
      "tool call arguments must be a JSON object for Bedrock Converse",
      {
        param,
      },
    );
  }
  return input as Record<string, unknown>;
}

/**
 * An assistant turn. Claude's reasoning goes back as `reasoningContent` (`reasoningText` with its
 * signature, or `redactedContent`), in its place, when Claude is the target and can verify it; otherwise
 * it is dropped with a warning.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 */
function encodeAssistant(message: AssistantMessage, at: number, encoder: Encoder): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const part of message.content) {
    if (part.type === "text") {
      // Bedrock rejects blank text blocks; an assistant turn that only calls tools has none.
      if (part.text.trim() !== "") blocks.push({ text: part.text }, ...encoder.cachePoint(part.cacheControl));
    } else if (!encoder.claude || !claudeCanVerify(part)) {
      encoder.ignored(
        REASONING_PARAM,
        `${REASONING_PARAM}: reasoning blocks the target model cannot verify (no Claude signature, or a model other than Claude) were dropped`,
      );
    } else if (part.redactedData !== undefined) {
      blocks.push({ reasoningContent: { redactedContent: part.redactedData } });
    } else {
      blocks.push({
        reasoningContent: { reasoningText: { text: part.thinking, signature: part.signature ?? "" } },
      });
    }
  }
  for (const [index, call] of (message.toolCalls ?? []).entries()) {
    blocks.push(
      {
        toolUse: {
          toolUseId: call.id,
          name: call.name,
          input: encodeToolInput(call.arguments, `messages[${at}].tool_calls[${index}].function.arguments`),
        },
      },
      ...encoder.cachePoint(call.cacheControl),
    );
  }
  return blocks;
}

/** Appends a turn, merging it into the previous one of the same role (Bedrock requires alternation). */
function append(messages: ConverseMessage[], role: "user" | "assistant", content: ContentBlock[]): void {
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...content);
  else messages.push({ role, content });
}

function encodeMessages(
  request: ChatRequest,
  encoder: Encoder,
): { messages: ConverseMessage[]; system: SystemBlock[]; hasToolBlocks: boolean } {
  const messages: ConverseMessage[] = [];
  const system: SystemBlock[] = [];
  let hasToolBlocks = false;
  let conversationStarted = false;
  for (const [at, message] of request.messages.entries()) {
    switch (message.role) {
      case "system":
        if (conversationStarted) {
          encoder.changed(
            `messages[${at}]`,
            "Bedrock Converse takes system prompts only before the conversation; this one was moved there",
          );
        }
        if (message.name !== undefined)
          encoder.ignored(`messages[${at}].name`, "Bedrock has no message names");
        system.push({ text: message.content }, ...encoder.cachePoint(message.cacheControl));
        break;
      case "user":
        conversationStarted = true;
        if (message.name !== undefined)
          encoder.ignored(`messages[${at}].name`, "Bedrock has no message names");
        append(messages, "user", encodeUserContent(message.content, at, encoder));
        break;
      case "assistant": {
        conversationStarted = true;
        if (message.name !== undefined)
          encoder.ignored(`messages[${at}].name`, "Bedrock has no message names");
        const blocks = encodeAssistant(message, at, encoder);
        if ((message.toolCalls?.length ?? 0) > 0) hasToolBlocks = true;
        if (blocks.length === 0) {
          encoder.ignored(`messages[${at}]`, "Bedrock rejects empty assistant turns; this one was left out");
          break;
        }
        append(messages, "assistant", blocks);
        break;
      }
      case "tool":
        conversationStarted = true;
        hasToolBlocks = true;
        // Consecutive tool results land in one user turn, as Bedrock requires.
        append(messages, "user", [
          {
            toolResult: {
              toolUseId: message.toolCallId,
              content: [{ text: message.content }],
              status: "success",
            },
          },
          ...encoder.cachePoint(message.cacheControl),
        ]);
        break;
    }
  }
  return { messages, system, hasToolBlocks };
}

function encodeTool(tool: ToolDefinition, index: number, encoder: Encoder): (ToolSpec | CachePointBlock)[] {
  if (tool.strict !== undefined) {
    encoder.ignored(
      `tools[${index}].function.strict`,
      "Bedrock Converse has no strict tool schemas; strict was ignored",
    );
  }
  const spec: ToolSpec["toolSpec"] = {
    name: tool.name,
    inputSchema: { json: tool.parameters ?? { type: "object", properties: {} } },
  };
  if (tool.description !== undefined && tool.description !== "") spec.description = tool.description;
  return [{ toolSpec: spec }, ...encoder.cachePoint(tool.cacheControl)];
}

function encodeToolChoice(choice: ToolChoice | undefined): ToolConfig["toolChoice"] {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case "auto":
      return { auto: {} };
    case "required":
      return { any: {} };
    case "tool":
      return { tool: { name: choice.name } };
    case "none":
      return undefined;
  }
}

function encodeToolConfig(
  request: ChatRequest,
  hasToolBlocks: boolean,
  encoder: Encoder,
): ToolConfig | undefined {
  const tools = request.tools;
  if (tools === undefined || tools.length === 0 || !encoder.accepts("tools")) return undefined;
  if (request.toolChoice?.type === "none") {
    // Converse has no "none": leaving the tools out is the only way to forbid calls, and Bedrock
    // refuses a conversation with tool blocks but no toolConfig.
    if (hasToolBlocks) {
      throw unsupported(
        "tool_choice",
        'Bedrock Converse cannot express tool_choice "none" in a conversation that already has tool calls',
      );
    }
    encoder.changed("tool_choice", 'Bedrock Converse has no tool_choice "none"; the tools were not sent');
    return undefined;
  }
  const config: ToolConfig = { tools: tools.flatMap((tool, index) => encodeTool(tool, index, encoder)) };
  const choice = encodeToolChoice(request.toolChoice);
  if (choice !== undefined && encoder.accepts("tool_choice")) config.toolChoice = choice;
  return config;
}

function encodeInferenceConfig(request: ChatRequest, encoder: Encoder): InferenceConfig | undefined {
  const config: InferenceConfig = {};
  if (request.maxOutputTokens !== undefined && encoder.accepts("max_completion_tokens")) {
    config.maxTokens = request.maxOutputTokens;
  }
  if (request.temperature !== undefined && encoder.accepts("temperature"))
    config.temperature = request.temperature;
  if (request.topP !== undefined && encoder.accepts("top_p")) config.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0 && encoder.accepts("stop")) {
    config.stopSequences = [...request.stop];
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

/**
 * `json_schema` → `outputConfig.textFormat` (the schema travels as a string); `json_object` has no
 * Converse equivalent, so it becomes an instruction in the system prompt, with a warning.
 */
function encodeResponseFormat(
  format: ResponseFormat | undefined,
  body: ConverseRequest,
  system: SystemBlock[],
  encoder: Encoder,
): void {
  if (format === undefined || format.type === "text" || !encoder.accepts("response_format")) return;
  if (format.type === "json") {
    system.push({ text: JSON_MODE_INSTRUCTION });
    encoder.changed(
      "response_format",
      "Bedrock Converse has no JSON mode; the model was instructed to answer in JSON instead",
    );
    return;
  }
  if (format.strict === false) {
    encoder.ignored("response_format.json_schema.strict", "Bedrock structured output is always strict");
  }
  const jsonSchema: { schema: string; name: string; description?: string } = {
    schema: JSON.stringify(format.schema ?? { type: "object" }),
    name: format.name,
  };
  if (format.description !== undefined) jsonSchema.description = format.description;
  body.outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema } } };
}

/**
 * Canonical request → Converse / ConverseStream body (identical for both; the transport picks the path,
 * and the model travels in the path, not the body).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */
export function encodeBedrockConverseRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const encoder = new Encoder(target);
  const { messages, system, hasToolBlocks } = encodeMessages(request, encoder);
  const body: ConverseRequest = { messages };
  const inferenceConfig = encodeInferenceConfig(request, encoder);
  if (inferenceConfig !== undefined) body.inferenceConfig = inferenceConfig;
  const toolConfig = encodeToolConfig(request, hasToolBlocks, encoder);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  encodeResponseFormat(request.responseFormat, body, system, encoder);
  if (system.length > 0) body.system = system;
  if (request.parallelToolCalls === false) {
    encoder.ignored("parallel_tool_calls", "Bedrock Converse cannot turn off parallel tool calls");
  }
  if (request.seed !== undefined) encoder.ignored("seed", "Bedrock Converse has no seed");
  if (request.user !== undefined) encoder.ignored("user", "Bedrock Converse has no end-user id");
  if (request.metadata !== undefined && encoder.accepts("metadata")) {
    // Bedrock's request metadata plays the same part: tags on the invocation log.
    body.requestMetadata = { ...request.metadata };
  }
  const wire = body as unknown as Record<string, unknown>;
  const passthrough = request.passthrough;
  if (passthrough !== undefined) {
    const fields = passthrough.fields;
    for (const name in fields) {
      if (passthrough.dialect === "bedrock-converse" && !Object.hasOwn(wire, name) && encoder.accepts(name)) {
        wire[name] = fields[name];
      } else if (passthrough.dialect === "anthropic-messages" && claudeFields.has(name) && encoder.claude) {
        // Claude's own request fields travel to Claude on Bedrock as model-specific fields.
        if (encoder.accepts(name)) (body.additionalModelRequestFields ??= {})[name] = fields[name];
      } else if (passthrough.dialect !== "bedrock-converse") {
        encoder.ignored(name, `${name} has no Bedrock Converse equivalent and was ignored`);
      }
    }
  }
  return { body: wire, warnings: encoder.warnings };
}
