import { countTokens as countWithSpecials } from "gpt-tokenizer";
import type { ChatRequest } from "../core/chat-request.js";

/** Text such as `<|endoftext|>` in a prompt is counted as plain text, never refused. */
const plainText = { disallowedSpecial: new Set<string>() };
const countTokens = (text: string): number => countWithSpecials(text, plainText);

/** Tokens a chat format adds per message (role markers), as OpenAI documents for its models. */
const PER_MESSAGE = 3;
/** Tokens an image is assumed to cost before a provider reports (a low-detail tile). */
const PER_IMAGE = 85;

/**
 * The prompt's size in tokens, counted with a real tokenizer (o200k, OpenAI's current one). Other
 * vendors' tokenizers differ by some percent; this count ranks offerings and checks context windows,
 * it is not billed. Tool definitions count as their JSON.
 */
export function countPromptTokens(request: ChatRequest): number {
  let total = 3;
  for (const message of request.messages) {
    total += PER_MESSAGE;
    switch (message.role) {
      case "system":
        total += countTokens(message.content);
        break;
      case "user":
        for (const part of message.content)
          total += part.type === "text" ? countTokens(part.text) : PER_IMAGE;
        break;
      case "assistant":
        for (const part of message.content) total += countTokens(part.text);
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
