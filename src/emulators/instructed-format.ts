import type { ChatMessage, ResponseFormat } from "./chat-request.js";

/** A system prompt that asks for the answer in JSON: "respond/answer/reply … JSON" in either order. */
const ASKS_FOR_JSON =
  /\b(respond|answer|reply|output|return)\b[^.]*\bJSON\b|\bJSON\b[^.]*\b(only|nothing else)\b/i;

/**
 * The answer format a conversation asks for in words. APIs without a JSON mode (Bedrock Converse for most
 * models, Anthropic's Messages) are asked for JSON in the system prompt, and a real model follows it; so
 * does the emulated one. A JSON Schema written into that prompt (the first `{…}` after "JSON Schema" that
 * parses) is followed too. Only system and developer messages count: a user quoting JSON asks nothing.
 */
export function instructedFormat(messages: readonly ChatMessage[], declared: ResponseFormat): ResponseFormat {
  if (declared.type !== "text") return declared;
  for (const message of messages) {
    if (message.role !== "system" && message.role !== "developer") continue;
    const text = message.content;
    if (!ASKS_FOR_JSON.test(text)) continue;
    const schema = embeddedSchema(text);
    return schema === undefined ? { type: "json_object" } : { type: "json_schema", schema };
  }
  return declared;
}

function embeddedSchema(text: string): unknown {
  const mention = text.search(/JSON Schema/i);
  if (mention === -1) return undefined;
  const open = text.indexOf("{", mention);
  if (open === -1) return undefined;
  // The schema runs to one of the closing braces after it; try from the last one back.
  for (let close = text.lastIndexOf("}"); close > open; close = text.lastIndexOf("}", close - 1)) {
    try {
      const parsed = JSON.parse(text.slice(open, close + 1)) as unknown;
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
    } catch {
      // Not JSON up to this brace: try a shorter span.
    }
  }
  return undefined;
}
