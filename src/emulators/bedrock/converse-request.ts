import type { ChatMessage, ChatRequest, FunctionTool, ResponseFormat, ToolChoice } from "../chat-request.js";
import { isRecord, typeName } from "../chat-request.js";
import { base64Bytes, pdfProblem, readDocument, type ReadDocument } from "../documents.js";
import { constraintError, validation, type AwsError } from "./aws-errors.js";

/** A validated Converse request: the emulator's chat request plus what only Bedrock's wire needs. */
export interface ConverseCall {
  chat: ChatRequest;
  /** The stop sequences as sent, for telling a stop-sequence stop from a natural one. */
  stopSequences: string[];
}

type Result = { ok: true; call: ConverseCall } | { ok: false; error: AwsError };

const fail = (error: AwsError): Result => ({ ok: false, error });

const BLOCK_TYPES = [
  "text",
  "image",
  "document",
  "video",
  "audio",
  "toolUse",
  "toolResult",
  "guardContent",
  "cachePoint",
  "reasoningContent",
  "citationsContent",
  "searchResult",
];

/** Text of a toolResult's content: text blocks as they are, json blocks as JSON. */
function toolResultText(content: unknown): string {
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block["text"] === "string") parts.push(block["text"]);
    else if (block["json"] !== undefined) parts.push(JSON.stringify(block["json"]));
  }
  return parts.join("\n");
}

/**
 * Validates a Converse / ConverseStream body with Bedrock's wording and turns it into the emulator's
 * chat request: system blocks → system messages, toolResult blocks → tool messages (so the shared reply
 * planner sees tool rounds), toolConfig → function tools and a tool choice.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */
export function parseConverseRequest(body: unknown, modelId: string, stream: boolean): Result {
  if (!isRecord(body))
    return fail(validation("Malformed input request, please reformat your input and try again."));
  const rawMessages = body["messages"];
  if (!Array.isArray(rawMessages)) {
    return fail(constraintError(rawMessages, "messages", "Member must not be null"));
  }
  const messages: ChatMessage[] = [];
  const system = body["system"];
  if (system !== undefined) {
    if (!Array.isArray(system)) return fail(validation("Malformed input request: system must be an array."));
    for (const block of system) {
      if (isRecord(block) && typeof block["text"] === "string") {
        messages.push({
          role: "system",
          text: block["text"],
          content: block["text"],
          toolCallId: undefined,
          toolCalls: [],
        });
      }
    }
  }
  if (rawMessages.length === 0) {
    return fail(
      validation(
        "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
      ),
    );
  }
  let previousRole: string | undefined;
  let previousToolUseIds: string[] = [];
  let usesTools = false;
  for (const [index, raw] of rawMessages.entries()) {
    if (!isRecord(raw))
      return fail(validation(`Malformed input request: messages.${index} must be an object.`));
    const role = raw["role"];
    if (role !== "user" && role !== "assistant") {
      return fail(
        constraintError(
          role,
          `messages.${index}.member.role`,
          "Member must satisfy enum value set: [user, assistant]",
        ),
      );
    }
    if (index === 0 && role !== "user") {
      return fail(
        validation(
          "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
        ),
      );
    }
    if (role === previousRole) {
      return fail(
        validation(
          "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
        ),
      );
    }
    previousRole = role;
    const content = raw["content"];
    if (!Array.isArray(content) || content.length === 0) {
      return fail(
        validation(
          `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`,
        ),
      );
    }
    const texts: string[] = [];
    const toolCalls: { id: string; name: string }[] = [];
    const callTexts: string[] = [];
    const toolResults: ChatMessage[] = [];
    const documentNames = new Set<string>();
    let documentTokens = 0;
    for (const [position, block] of content.entries()) {
      const where = `messages.${index}.content.${position}`;
      if (!isRecord(block)) return fail(validation(`Malformed input request: ${where} must be an object.`));
      const members = Object.keys(block).filter((key) => BLOCK_TYPES.includes(key));
      if (members.length !== 1) {
        return fail(
          validation(
            `The ContentBlock object at ${where} must set exactly one of the following keys: ${BLOCK_TYPES.join(", ")}.`,
          ),
        );
      }
      const text = block["text"];
      if (text !== undefined) {
        if (typeof text !== "string" || text.trim() === "") {
          return fail(
            validation(
              `The text field in the ContentBlock object at ${where} is blank. Add text to the text field, and try again.`,
            ),
          );
        }
        texts.push(text);
      }
      const document = block["document"];
      if (document !== undefined) {
        const read = readDocumentBlock(document, index, position, documentNames);
        if ("status" in read) return fail(read);
        texts.push(read.note);
        documentTokens += read.tokens;
      }
      const toolUse = block["toolUse"];
      if (toolUse !== undefined) {
        usesTools = true;
        if (
          role !== "assistant" ||
          !isRecord(toolUse) ||
          typeof toolUse["toolUseId"] !== "string" ||
          typeof toolUse["name"] !== "string" ||
          !isRecord(toolUse["input"])
        ) {
          return fail(
            validation(
              `The toolUse block at ${where} is invalid: it needs toolUseId, name and an input object, in an assistant message.`,
            ),
          );
        }
        toolCalls.push({ id: toolUse["toolUseId"], name: toolUse["name"] });
        callTexts.push(toolUse["name"], JSON.stringify(toolUse["input"]));
      }
      const toolResult = block["toolResult"];
      if (toolResult !== undefined) {
        usesTools = true;
        if (role !== "user" || !isRecord(toolResult) || typeof toolResult["toolUseId"] !== "string") {
          return fail(
            validation(
              `The toolResult block at ${where} is invalid: it needs a toolUseId, in a user message.`,
            ),
          );
        }
        if (!previousToolUseIds.includes(toolResult["toolUseId"])) {
          return fail(
            validation(
              `Expected toolResult blocks at messages.${index}.content for the following Ids: ${previousToolUseIds.join(", ")}`,
            ),
          );
        }
        const resultText = toolResultText(toolResult["content"]);
        toolResults.push({
          role: "tool",
          text: resultText,
          content: resultText,
          toolCallId: toolResult["toolUseId"],
          toolCalls: [],
        });
      }
    }
    previousToolUseIds = toolCalls.map((call) => call.id);
    messages.push(...toolResults);
    if (texts.length > 0 || toolCalls.length > 0) {
      const joined = texts.join("\n");
      messages.push({
        role,
        text: [joined, ...callTexts].filter((t) => t !== "").join("\n"),
        content: joined,
        toolCallId: undefined,
        toolCalls,
        ...(documentTokens > 0 ? { documentTokens } : {}),
      });
    }
  }

  const inference = body["inferenceConfig"];
  let maxTokens: number | undefined;
  let stopSequences: string[] = [];
  if (inference !== undefined) {
    if (!isRecord(inference))
      return fail(validation("Malformed input request: inferenceConfig must be an object."));
    const max = inference["maxTokens"];
    if (max !== undefined) {
      if (typeof max !== "number" || !Number.isInteger(max)) {
        return fail(
          validation(
            `Malformed input request: inferenceConfig.maxTokens must be an integer, not ${typeName(max)}.`,
          ),
        );
      }
      if (max < 1) {
        return fail(
          constraintError(
            max,
            "inferenceConfig.maxTokens",
            "Member must have value greater than or equal to 1",
          ),
        );
      }
      maxTokens = max;
    }
    for (const [field, high] of [
      ["temperature", 1],
      ["topP", 1],
    ] as const) {
      const value = inference[field];
      if (value === undefined) continue;
      if (typeof value !== "number" || value < 0) {
        return fail(
          constraintError(
            value,
            `inferenceConfig.${field}`,
            "Member must have value greater than or equal to 0",
          ),
        );
      }
      if (value > high) {
        return fail(
          constraintError(
            value,
            `inferenceConfig.${field}`,
            `Member must have value less than or equal to ${high}`,
          ),
        );
      }
    }
    const stops = inference["stopSequences"];
    if (stops !== undefined) {
      if (!Array.isArray(stops) || !stops.every((stop) => typeof stop === "string" && stop !== "")) {
        return fail(
          validation("Malformed input request: inferenceConfig.stopSequences must be non-empty strings."),
        );
      }
      stopSequences = stops as string[];
    }
  }

  const toolConfig = body["toolConfig"];
  const tools: FunctionTool[] = [];
  let rawTools: unknown[] = [];
  let toolChoice: ToolChoice = { mode: "none" };
  if (toolConfig !== undefined) {
    if (!isRecord(toolConfig) || !Array.isArray(toolConfig["tools"]) || toolConfig["tools"].length === 0) {
      return fail(
        constraintError(undefined, "toolConfig.tools", "Member must have length greater than or equal to 1"),
      );
    }
    rawTools = toolConfig["tools"];
    for (const [index, tool] of rawTools.entries()) {
      // A `cachePoint` entry marks a cache breakpoint after the tools before it.
      if (isRecord(tool) && isRecord(tool["cachePoint"]) && tool["toolSpec"] === undefined) continue;
      const spec = isRecord(tool) ? tool["toolSpec"] : undefined;
      const schema =
        isRecord(spec) && isRecord(spec["inputSchema"]) ? spec["inputSchema"]["json"] : undefined;
      if (
        !isRecord(spec) ||
        typeof spec["name"] !== "string" ||
        !/^[a-zA-Z0-9_-]{1,64}$/.test(spec["name"]) ||
        !isRecord(schema)
      ) {
        return fail(
          validation(
            `The toolSpec at toolConfig.tools.${index} is invalid: it needs a name matching [a-zA-Z0-9_-]{1,64} and an inputSchema.json object.`,
          ),
        );
      }
      tools.push({ name: spec["name"], parameters: schema });
    }
    toolChoice = { mode: "auto" };
    const choice = toolConfig["toolChoice"];
    if (isRecord(choice)) {
      if (isRecord(choice["any"])) toolChoice = { mode: "required" };
      else if (isRecord(choice["tool"]) && typeof choice["tool"]["name"] === "string") {
        const name = choice["tool"]["name"];
        if (!tools.some((tool) => tool.name === name)) {
          return fail(
            validation(`The tool ${name} named in toolConfig.toolChoice is not in toolConfig.tools.`),
          );
        }
        toolChoice = { mode: "function", name };
      }
    }
  } else if (usesTools) {
    return fail(
      validation("The toolConfig field must be defined when using toolUse and toolResult content blocks."),
    );
  }

  let responseFormat: ResponseFormat = { type: "text" };
  const outputConfig = body["outputConfig"];
  if (isRecord(outputConfig) && isRecord(outputConfig["textFormat"])) {
    const structure = outputConfig["textFormat"]["structure"];
    const jsonSchema = isRecord(structure) ? structure["jsonSchema"] : undefined;
    const schemaText = isRecord(jsonSchema) ? jsonSchema["schema"] : undefined;
    let schema: unknown;
    try {
      schema = typeof schemaText === "string" ? (JSON.parse(schemaText) as unknown) : undefined;
    } catch {
      schema = undefined;
    }
    if (!isRecord(schema)) {
      return fail(
        validation("outputConfig.textFormat.structure.jsonSchema.schema must be a JSON schema, as a string."),
      );
    }
    responseFormat = { type: "json_schema", schema };
  }

  return {
    ok: true,
    call: {
      chat: {
        model: modelId,
        messages,
        stream,
        includeUsage: true,
        includeObfuscation: false,
        maxTokens,
        stop: stopSequences,
        tools,
        rawTools,
        toolChoice,
        parallelToolCalls: true,
        responseFormat,
      },
      stopSequences,
    },
  };
}

const DOCUMENT_FORMATS = ["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"];

/**
 * A `document` block, checked as Converse checks it: a format of its enum, a `name` of the characters
 * it allows (unique in the request), inline `bytes` in base64 — a PDF's with a `%PDF-` header.
 * Only PDF and text bytes are read (noted and counted); the other formats are noted by size.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
function readDocumentBlock(
  document: unknown,
  index: number,
  position: number,
  names: Set<string>,
): ReadDocument | AwsError {
  const path = `messages.${index}.member.content.${position}.member.document`;
  if (!isRecord(document)) return validation(`Malformed input request: ${path} must be an object.`);
  const format = document["format"];
  if (typeof format !== "string" || !DOCUMENT_FORMATS.includes(format))
    return constraintError(
      format,
      `${path}.format`,
      `Member must satisfy enum value set: [${DOCUMENT_FORMATS.join(", ")}]`,
    );
  const name = document["name"];
  if (typeof name !== "string") return constraintError(name, `${path}.name`, "Member must not be null");
  if (!/^[A-Za-z0-9\-()[\] ]{1,200}$/.test(name) || name.includes("  "))
    return validation(
      "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character.",
    );
  if (names.has(name))
    return validation(
      `The document name '${name}' is used more than once in messages.${index}: document names must be unique.`,
    );
  names.add(name);
  const source = document["source"];
  const bytes = isRecord(source) ? source["bytes"] : undefined;
  if (typeof bytes !== "string")
    return constraintError(bytes, `${path}.source.bytes`, "Member must not be null");
  const problem =
    format === "pdf" ? pdfProblem(bytes) : pdfProblem(bytes) === "base64" ? "base64" : undefined;
  if (problem === "base64")
    return validation(`Malformed input request: the bytes of ${path}.source are not valid base64.`);
  if (problem === "pdf")
    return validation(
      `The document at messages.${index}.content.${position} is not a valid PDF: unable to process it.`,
    );
  return readDocument(
    format === "pdf" ? "application/pdf" : format === "txt" ? "text/plain" : format,
    base64Bytes(bytes),
    name,
  );
}
