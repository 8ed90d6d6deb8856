import type {
  AssistantContentPart,
  CacheControl,
  ContentPart,
  DocumentPart,
  ImagePart,
  Message,
  ReasoningIssuer,
  SystemMessage,
  TextPart,
  ToolCall,
  ToolMessage,
} from "../../core/chat-request.js";
import { isBase64, textDocumentUrl } from "../../codecs/document.js";
import {
  choices,
  invalid,
  join,
  missing,
  optionalBoolean,
  optionalString,
  present,
  rejectExtra,
  requireObject,
  requireString,
  unsupported,
  type JsonRecord,
} from "./validate.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Block types this ingress translates; the order is the one error messages list them in. */
const blockTypes = [
  "text",
  "image",
  "document",
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
] as const;

/**
 * Anthropic block types with no canonical form: a clear 400 rather than a silent drop (documents and
 * search results would change what the model sees; server-tool blocks need Anthropic's own servers).
 */
const unsupportedBlockTypes = new Set([
  "search_result",
  "container_upload",
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "mcp_tool_use",
  "mcp_tool_result",
  "tool_reference",
]);

const messageFields = new Set(["role", "content"]);
const textFields = new Set(["type", "text", "cache_control", "citations"]);
const imageFields = new Set(["type", "source", "cache_control"]);
const documentFields = new Set(["type", "source", "title", "context", "citations", "cache_control"]);
const toolUseFields = new Set(["type", "id", "name", "input", "cache_control"]);
const toolResultFields = new Set(["type", "tool_use_id", "content", "is_error", "cache_control"]);
const thinkingFields = new Set(["type", "thinking", "signature"]);
const redactedThinkingFields = new Set(["type", "data"]);
const imageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;

/** Replayed thinking reached this ingress from a Claude model (only Claude writes Anthropic thinking). */
const replayedIssuer: ReasoningIssuer = Object.freeze({ vendor: "anthropic", dialect: "anthropic-messages" });

/**
 * The top-level `system`: a string or text blocks. Each block becomes one canonical system message,
 * with its `cache_control` breakpoint, so a codec of Anthropic's dialect can rebuild the blocks; an
 * empty system adds nothing.
 * @see https://docs.claude.com/en/api/messages
 */
export function parseSystem(value: unknown): SystemMessage[] {
  if (!present(value)) return [];
  if (typeof value === "string") return value === "" ? [] : [{ role: "system", content: value }];
  if (!Array.isArray(value))
    throw invalid("system", "Input should be a valid string or a list of text blocks");
  return (value as unknown[]).map((block, index): SystemMessage => {
    const at = `system.${index}`;
    const record = requireObject(block, at);
    if (record["type"] !== "text") {
      if (!present(record["type"])) throw missing(`${at}.type`);
      throw invalid(`${at}.type`, "Input should be 'text'");
    }
    const text = parseTextBlock(record, at);
    return text.cacheControl === undefined
      ? { role: "system", content: text.text }
      : { role: "system", content: text.text, cacheControl: text.cacheControl };
  });
}

/**
 * `messages` → canonical messages. A user turn's `tool_result` blocks become canonical `tool` messages,
 * in their order and before the turn's other content, which is where OpenAI-style dialects want them.
 */
export function parseMessages(value: unknown): Message[] {
  if (!present(value)) throw missing("messages");
  if (!Array.isArray(value)) throw invalid("messages", "Input should be a valid list");
  if (value.length === 0) throw invalid("messages", "at least one message is required");
  const out: Message[] = [];
  const last = value.length - 1;
  (value as unknown[]).forEach((message, index) => {
    parseMessage(message, index, index === last, out);
  });
  return out;
}

function parseMessage(value: unknown, index: number, isLast: boolean, out: Message[]): void {
  const at = `messages.${index}`;
  const message = requireObject(value, at);
  rejectExtra(message, messageFields, at);
  const role = message["role"];
  if (!present(role)) throw missing(`${at}.role`);
  if (role !== "user" && role !== "assistant")
    throw invalid(`${at}.role`, "Input should be 'user' or 'assistant'");
  const content = message["content"];
  if (!present(content)) throw missing(`${at}.content`);
  let blocks: unknown[];
  if (typeof content === "string") {
    blocks = content === "" ? [] : [{ type: "text", text: content }];
  } else if (Array.isArray(content)) {
    blocks = content;
  } else {
    throw invalid(`${at}.content`, "Input should be a valid string or a list of content blocks");
  }
  if (blocks.length === 0) {
    // An empty final assistant turn is a prefill of nothing: the same request as no prefill at all.
    if (isLast && role === "assistant") return;
    throw invalid(
      `${at}.content`,
      "all messages must have non-empty content except for the optional final assistant message",
    );
  }
  if (role === "user") parseUserBlocks(blocks, `${at}.content`, out);
  else out.push(parseAssistantBlocks(blocks, `${at}.content`));
}

function blockType(block: JsonRecord, at: string): string {
  const type = block["type"];
  if (!present(type)) throw missing(`${at}.type`);
  if (typeof type === "string" && unsupportedBlockTypes.has(type)) {
    throw unsupported(`${at}.type`, `content blocks of type '${type}' are not supported by this gateway`);
  }
  if (typeof type !== "string" || !(blockTypes as readonly string[]).includes(type)) {
    throw invalid(`${at}.type`, `Input should be ${choices(blockTypes)}`);
  }
  return type;
}

function parseUserBlocks(blocks: readonly unknown[], at: string, out: Message[]): void {
  const parts: ContentPart[] = [];
  blocks.forEach((value, index) => {
    const blockAt = join(at, index);
    const block = requireObject(value, blockAt);
    const type = blockType(block, blockAt);
    switch (type) {
      case "text":
        parts.push(parseTextBlock(block, blockAt));
        return;
      case "image":
        parts.push(parseImageBlock(block, blockAt));
        return;
      case "document":
        parts.push(parseDocumentBlock(block, blockAt));
        return;
      case "tool_result":
        out.push(parseToolResult(block, blockAt));
        return;
      default:
        throw invalid(`${blockAt}.type`, `'${type}' blocks are only allowed in assistant messages`);
    }
  });
  if (parts.length > 0) out.push({ role: "user", content: parts });
}

/**
 * Assistant turns: text, `tool_use`, and replayed `thinking` / `redacted_thinking` blocks, which keep
 * their place and signature so a Claude upstream can verify them (others drop them with a warning).
 * See docs/anthropic-ingress.md.
 */
function parseAssistantBlocks(blocks: readonly unknown[], at: string): Message {
  const content: AssistantContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  blocks.forEach((value, index) => {
    const blockAt = join(at, index);
    const block = requireObject(value, blockAt);
    const type = blockType(block, blockAt);
    switch (type) {
      case "text":
        content.push(parseTextBlock(block, blockAt));
        return;
      case "tool_use":
        toolCalls.push(parseToolUse(block, blockAt));
        return;
      case "thinking": {
        rejectExtra(block, thinkingFields, blockAt);
        const thinking = requireString(block["thinking"], `${blockAt}.thinking`);
        const signature = requireString(block["signature"], `${blockAt}.signature`);
        // An empty signature (the gateway's own for reasoning a non-Claude model gave) verifies nowhere.
        content.push(
          signature === ""
            ? { type: "reasoning", thinking, issuer: replayedIssuer }
            : { type: "reasoning", thinking, signature, issuer: replayedIssuer },
        );
        return;
      }
      case "redacted_thinking": {
        rejectExtra(block, redactedThinkingFields, blockAt);
        const data = requireString(block["data"], `${blockAt}.data`);
        content.push({ type: "reasoning", thinking: "", redactedData: data, issuer: replayedIssuer });
        return;
      }
      case "image":
      case "document":
        throw unsupported(`${blockAt}.type`, `${type} blocks are only supported in user messages`);
      default:
        throw invalid(`${blockAt}.type`, `'${type}' blocks are only allowed in user messages`);
    }
  });
  const message: Mutable<Message & { role: "assistant" }> = { role: "assistant", content };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  return message;
}

/** A text block; `citations` on replayed text have no canonical form and are dropped. */
function parseTextBlock(block: JsonRecord, at: string): TextPart {
  rejectExtra(block, textFields, at);
  const cache = parseCacheControl(block, at);
  const citations = block["citations"];
  if (present(citations) && !Array.isArray(citations)) {
    throw invalid(`${at}.citations`, "Input should be a valid list");
  }
  const text = requireString(block["text"], `${at}.text`);
  return cache === undefined ? { type: "text", text } : { type: "text", text, cacheControl: cache };
}

/**
 * A block's `cache_control`: `{type: "ephemeral", ttl?: "5m" | "1h"}`, Anthropic's only kind.
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 */
export function parseCacheControl(block: JsonRecord, at: string): CacheControl | undefined {
  const value = block["cache_control"];
  if (!present(value)) return undefined;
  const path = `${at}.cache_control`;
  const cache = requireObject(value, path);
  rejectExtra(cache, new Set(["type", "ttl"]), path);
  if (!present(cache["type"])) throw missing(`${path}.type`);
  if (cache["type"] !== "ephemeral") throw invalid(`${path}.type`, "Input should be 'ephemeral'");
  const ttl = cache["ttl"];
  if (!present(ttl)) return { type: "ephemeral" };
  if (ttl !== "5m" && ttl !== "1h") throw invalid(`${path}.ttl`, "Input should be '5m' or '1h'");
  return { type: "ephemeral", ttl };
}

function withCache<T extends object>(part: T, cache: CacheControl | undefined): T {
  return cache === undefined ? part : { ...part, cacheControl: cache };
}

/** Base64 sources become `data:` URLs, URL sources stay URLs; Files API ids are not supported. */
function parseImageBlock(block: JsonRecord, at: string): ImagePart {
  rejectExtra(block, imageFields, at);
  const cache = parseCacheControl(block, at);
  const sourceAt = `${at}.source`;
  if (!present(block["source"])) throw missing(sourceAt);
  const source = requireObject(block["source"], sourceAt);
  switch (source["type"]) {
    case "base64": {
      rejectExtra(source, new Set(["type", "media_type", "data"]), sourceAt);
      const mediaType = source["media_type"];
      if (!present(mediaType)) throw missing(`${sourceAt}.media_type`);
      if (typeof mediaType !== "string" || !(imageMediaTypes as readonly string[]).includes(mediaType)) {
        throw invalid(`${sourceAt}.media_type`, `Input should be ${choices(imageMediaTypes)}`);
      }
      const data = requireString(source["data"], `${sourceAt}.data`);
      return withCache<ImagePart>({ type: "image", url: `data:${mediaType};base64,${data}` }, cache);
    }
    case "url": {
      rejectExtra(source, new Set(["type", "url"]), sourceAt);
      const url = requireString(source["url"], `${sourceAt}.url`);
      if (url === "") throw invalid(`${sourceAt}.url`, "String should have at least 1 character");
      return withCache<ImagePart>({ type: "image", url }, cache);
    }
    case "file":
      throw unsupported(`${sourceAt}.type`, "file sources (the Files API) are not supported by this gateway");
    case undefined:
    case null:
      throw missing(`${sourceAt}.type`);
    default:
      throw invalid(`${sourceAt}.type`, "Input should be 'base64', 'url' or 'file'");
  }
}

/**
 * A `document` block: a base64 PDF, a plain-text document, or a PDF link (passed only to a cloud that
 * fetches it itself). Citations are not implemented: `citations.enabled: true` is a 400 naming it, as
 * cited answers would need their `citations` on the way back through every dialect.
 * @see https://docs.claude.com/en/docs/build-with-claude/pdf-support
 */
function parseDocumentBlock(block: JsonRecord, at: string): DocumentPart {
  rejectExtra(block, documentFields, at);
  const cache = parseCacheControl(block, at);
  const citations = block["citations"];
  if (present(citations)) {
    const citationsAt = `${at}.citations`;
    const record = requireObject(citations, citationsAt);
    rejectExtra(record, new Set(["enabled"]), citationsAt);
    if (optionalBoolean(record, "enabled", citationsAt) === true)
      throw unsupported(`${citationsAt}.enabled`, "citations are not supported by this gateway");
  }
  const title = optionalString(block, "title", at);
  const context = optionalString(block, "context", at);
  const sourceAt = `${at}.source`;
  if (!present(block["source"])) throw missing(sourceAt);
  const source = requireObject(block["source"], sourceAt);
  let url: string;
  switch (source["type"]) {
    case "base64": {
      rejectExtra(source, new Set(["type", "media_type", "data"]), sourceAt);
      const mediaType = source["media_type"];
      if (!present(mediaType)) throw missing(`${sourceAt}.media_type`);
      if (mediaType !== "application/pdf")
        throw invalid(`${sourceAt}.media_type`, "Input should be 'application/pdf'");
      const data = requireString(source["data"], `${sourceAt}.data`);
      if (data === "" || !isBase64(data)) throw invalid(`${sourceAt}.data`, "Input should be valid base64");
      url = `data:application/pdf;base64,${data}`;
      break;
    }
    case "text": {
      rejectExtra(source, new Set(["type", "media_type", "data"]), sourceAt);
      const mediaType = source["media_type"];
      if (!present(mediaType)) throw missing(`${sourceAt}.media_type`);
      if (mediaType !== "text/plain") throw invalid(`${sourceAt}.media_type`, "Input should be 'text/plain'");
      url = textDocumentUrl(requireString(source["data"], `${sourceAt}.data`));
      break;
    }
    case "url": {
      rejectExtra(source, new Set(["type", "url"]), sourceAt);
      url = requireString(source["url"], `${sourceAt}.url`);
      if (!/^https?:\/\/\S+$/i.test(url))
        throw invalid(`${sourceAt}.url`, "Input should be an http or https URL");
      break;
    }
    case "content":
      throw unsupported(
        `${sourceAt}.type`,
        "content sources (custom content documents) are not supported by this gateway",
      );
    case "file":
      throw unsupported(`${sourceAt}.type`, "file sources (the Files API) are not supported by this gateway");
    case undefined:
    case null:
      throw missing(`${sourceAt}.type`);
    default:
      throw invalid(`${sourceAt}.type`, "Input should be 'base64', 'text', 'url', 'content' or 'file'");
  }
  const part: Mutable<DocumentPart> = { type: "document", url };
  if (title !== undefined) part.title = title;
  if (context !== undefined) part.context = context;
  return withCache<DocumentPart>(part, cache);
}

/** `input` must be an object; it travels as its JSON text, like every canonical tool call. */
function parseToolUse(block: JsonRecord, at: string): ToolCall {
  rejectExtra(block, toolUseFields, at);
  const cache = parseCacheControl(block, at);
  const id = requireString(block["id"], `${at}.id`);
  if (id === "") throw invalid(`${at}.id`, "String should have at least 1 character");
  const name = requireString(block["name"], `${at}.name`);
  if (name === "") throw invalid(`${at}.name`, "String should have at least 1 character");
  if (!present(block["input"])) throw missing(`${at}.input`);
  const input = requireObject(block["input"], `${at}.input`);
  return withCache<ToolCall>({ id, name, arguments: JSON.stringify(input) }, cache);
}

/**
 * A `tool_result` → a canonical `tool` message. Its content may be a string or text blocks (joined
 * with newlines); images inside tool results have no canonical form. The canonical tool message has
 * no error flag, so `is_error: true` is kept visible to the model as an `Error: ` prefix.
 */
function parseToolResult(block: JsonRecord, at: string): ToolMessage {
  rejectExtra(block, toolResultFields, at);
  const cache = parseCacheControl(block, at);
  const toolCallId = requireString(block["tool_use_id"], `${at}.tool_use_id`);
  if (toolCallId === "") throw invalid(`${at}.tool_use_id`, "String should have at least 1 character");
  const content = toolResultText(block["content"], `${at}.content`);
  const isError = optionalBoolean(block, "is_error", at) ?? false;
  return withCache<ToolMessage>(
    { role: "tool", toolCallId, content: isError ? `Error: ${content}` : content },
    cache,
  );
}

function toolResultText(value: unknown, at: string): string {
  if (!present(value)) return "";
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) throw invalid(at, "Input should be a valid string or a list of content blocks");
  return (value as unknown[])
    .map((item, index) => {
      const itemAt = join(at, index);
      const part = requireObject(item, itemAt);
      const type = part["type"];
      if (type === "text") return parseTextBlock(part, itemAt).text;
      if (!present(type)) throw missing(`${itemAt}.type`);
      if (type === "image" || type === "document" || type === "search_result") {
        throw unsupported(
          `${itemAt}.type`,
          `'${type}' blocks inside tool results are not supported by this gateway`,
        );
      }
      throw invalid(`${itemAt}.type`, "Input should be 'text', 'image', 'document' or 'search_result'");
    })
    .join("\n");
}
