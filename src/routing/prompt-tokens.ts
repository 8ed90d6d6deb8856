import { documentTokens } from "../codecs/document.js";
import type { ChatRequest } from "../core/chat-request.js";

type Counter = (text: string) => number;
/** The tokenizer's tables weigh tens of megabytes: loaded when a strategy first needs them. */
let counter: Counter | undefined;
let loading: Promise<void> | undefined;

/** Whether `countPromptTokens` can answer now. */
export function tokenizerReady(): boolean {
  return counter !== undefined;
}

/** Loads the tokenizer once; later calls share the first load. */
export function loadTokenizer(): Promise<void> {
  loading ??= import("gpt-tokenizer").then(({ countTokens }) => {
    // Text such as `<|endoftext|>` in a prompt is counted as plain text, never refused.
    const plainText = { disallowedSpecial: new Set<string>() };
    counter = (text) => countTokens(text, plainText);
  });
  return loading;
}

/** Tokens a chat format adds per message (role markers), as OpenAI documents for its models. */
const PER_MESSAGE = 3;
/** Tokens an image is assumed to cost before a provider reports (a low-detail tile). */
const PER_IMAGE = 85;

/**
 * The prompt's size in tokens, counted with a real tokenizer (o200k, OpenAI's current one). Other
 * vendors' tokenizers differ by some percent; this count ranks offerings and checks context windows,
 * it is not billed. Tool definitions count as their JSON. Call `loadTokenizer()` first.
 */
export function countPromptTokens(request: ChatRequest): number {
  const countTokens = counter;
  if (countTokens === undefined) throw new Error("countPromptTokens before loadTokenizer() resolved");
  let total = 3;
  for (const message of request.messages) {
    total += PER_MESSAGE;
    switch (message.role) {
      case "system":
        total += countTokens(message.content);
        break;
      case "user":
        for (const part of message.content)
          total +=
            part.type === "text"
              ? countTokens(part.text)
              : part.type === "document"
                ? documentTokens(part, countTokens)
                : PER_IMAGE;
        break;
      case "assistant":
        for (const part of message.content)
          total += countTokens(part.type === "text" ? part.text : part.thinking);
        for (const call of message.toolCalls ?? [])
          total += countTokens(call.name) + countTokens(call.arguments);
        break;
      case "tool":
        total += countTokens(message.content);
        break;
    }
  }
  if (request.tools !== undefined && request.tools.length > 0)
    total += countTokens(JSON.stringify(request.tools));
  return total;
}
