import { documentTokens } from "../../codecs/document.js";
import type { ChatRequest, Message } from "../../core/chat-request.js";

/** Counts the tokens of a text. */
export type TextTokenCounter = (text: string) => number;

/** Per-message and reply-primer overheads of OpenAI's published counting recipe. */
const tokensPerMessage = 3;
const tokensPerReply = 3;
/**
 * What one image is counted as, without decoding it: Anthropic's cost of an image at its size limit
 * (about 1.15 megapixels at width × height / 750 tokens). Smaller images cost less, so this is an upper bound.
 */
export const imageTokens = 1600;

/**
 * `POST /v1/messages/count_tokens`: an estimate of the request's input tokens, counted with OpenAI's
 * o200k tokenizer (gpt-tokenizer) over the system prompt, every message's text, tool calls and tool
 * results, and the JSON of the tool definitions. Claude's tokenizer is not public, so Claude models
 * are counted differently upstream; the estimate is the same for every model and cloud.
 * @see https://docs.claude.com/en/api/messages-count-tokens
 */
export function countInputTokens(request: ChatRequest, countText: TextTokenCounter): number {
  let total = tokensPerReply;
  for (const message of request.messages) total += tokensPerMessage + messageTokens(message, countText);
  if (request.tools !== undefined && request.tools.length > 0) {
    const tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters,
    }));
    total += countText(JSON.stringify(tools));
  }
  return total;
}

function messageTokens(message: Message, countText: TextTokenCounter): number {
  switch (message.role) {
    case "system":
    case "tool":
      return countText(message.content);
    case "user":
      return message.content.reduce(
        (sum, part) =>
          sum +
          (part.type === "text"
            ? countText(part.text)
            : part.type === "document"
              ? documentTokens(part, countText)
              : imageTokens),
        0,
      );
    case "assistant": {
      let sum = message.content.reduce(
        (count, part) => count + countText(part.type === "text" ? part.text : part.thinking),
        0,
      );
      for (const call of message.toolCalls ?? []) sum += countText(call.name) + countText(call.arguments);
      return sum;
    }
  }
}

let loading: Promise<TextTokenCounter> | undefined;

/**
 * The tokenizer, loaded on the first count: its tables cost memory and start-up time that a gateway
 * nobody asks to count tokens should not pay.
 */
export function loadTokenCounter(): Promise<TextTokenCounter> {
  loading ??= import("gpt-tokenizer").then(({ countTokens }) => {
    // Special-token strings in a prompt are plain text, as an API counts them.
    const plain = { disallowedSpecial: new Set<string>() };
    return (text: string) => (text === "" ? 0 : countTokens(text, plain));
  });
  // A failed load is tried again by the next request rather than remembered.
  void loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
