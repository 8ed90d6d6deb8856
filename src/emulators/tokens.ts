import { countTokens, decode, encode } from "gpt-tokenizer";

/** A piece of text that ends on a character boundary, with the number of tokens it spans. */
export interface TokenPiece {
  text: string;
  tokens: number;
}

export function countTextTokens(text: string): number {
  return text === "" ? 0 : countTokens(text);
}

/**
 * Splits text into one piece per token. Tokens that end inside a multi-byte character are
 * merged with the next ones, so the pieces always concatenate back to `text`.
 */
export function splitIntoTokenPieces(text: string): TokenPiece[] {
  const pieces: TokenPiece[] = [];
  let pending: number[] = [];
  for (const token of encode(text)) {
    pending.push(token);
    const piece = decode(pending);
    if (!piece.endsWith("\uFFFD")) {
      pieces.push({ text: piece, tokens: pending.length });
      pending = [];
    }
  }
  if (pending.length > 0) pieces.push({ text: decode(pending), tokens: pending.length });
  return pieces;
}

/** Cuts `text` to at most `limit` tokens; returns whether anything was cut. */
export function truncateToTokens(text: string, limit: number): { text: string; truncated: boolean } {
  const tokens = encode(text);
  if (tokens.length <= limit) return { text, truncated: false };
  // A cut inside a multi-byte character would decode to U+FFFD: drop that partial character.
  return { text: decode(tokens.slice(0, limit)).replace(/\uFFFD+$/u, ""), truncated: true };
}

/** Per-message and per-reply overheads, as in OpenAI's published counting recipe. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

/**
 * Prompt tokens: 3 per message + tokens of its text (content, name, tool-call names and
 * arguments) + 3 for the reply primer + tokens of the JSON of the offered tools.
 */
export function countPromptTokens(messages: readonly PromptMessage[], tools: unknown): number {
  let total = TOKENS_PER_REPLY;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.text);
  }
  if (Array.isArray(tools) && tools.length > 0) total += countTextTokens(JSON.stringify(tools));
  return total;
}

export interface PromptMessage {
  /** All text the message carries, joined. */
  text: string;
}
