import { countTokens, decodeGenerator, encode } from "gpt-tokenizer";

/** A piece of text that ends on a character boundary, with the number of tokens it spans. */
export interface TokenPiece {
  text: string;
  tokens: number;
}

/** Special-token strings in user text are plain text (as the real API counts them), not an error. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTextTokens(text: string): number {
  return text === "" ? 0 : countTokens(text, PLAIN_TEXT);
}

/**
 * Splits text into one piece per token. Tokens that end inside a multi-byte character are
 * merged with the next ones, so the pieces always concatenate back to `text`.
 *
 * gpt-tokenizer 4.0.0 decodes through one module-wide streaming `TextDecoder` that is never
 * flushed: decoding a token list that stops inside a character leaks those bytes into the
 * next `decode()` anywhere in the process. So this only ever decodes the complete text, and
 * always runs the generator to its end.
 */
export function splitIntoTokenPieces(text: string): TokenPiece[] {
  const tokens = encode(text, PLAIN_TEXT);
  let pulled = 0;
  const counted: Iterable<number> = {
    *[Symbol.iterator]() {
      for (const token of tokens) {
        pulled += 1;
        yield token;
      }
    },
  };
  const pieces: TokenPiece[] = [];
  let accounted = 0;
  for (const piece of decodeGenerator(counted)) {
    pieces.push({ text: piece, tokens: pulled - accounted });
    accounted = pulled;
  }
  const last = pieces.at(-1);
  if (last !== undefined) last.tokens += tokens.length - accounted;
  return pieces;
}

/** Cuts `text` to at most `limit` tokens, on a character boundary; returns whether anything was cut. */
export function truncateToTokens(text: string, limit: number): { text: string; truncated: boolean } {
  const pieces = splitIntoTokenPieces(text);
  let used = 0;
  let out = "";
  for (const piece of pieces) {
    if (used + piece.tokens > limit) return { text: out, truncated: true };
    used += piece.tokens;
    out += piece.text;
  }
  return { text, truncated: false };
}

/** Per-message and per-reply overheads, as in OpenAI's published counting recipe. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

export interface PromptMessage {
  /** All text the message carries, joined. */
  text: string;
  /** Tokens of the documents it carries, counted apart from the text. */
  documentTokens?: number;
}

/**
 * Prompt tokens: 3 per message + tokens of its text (content, name, tool-call names and
 * arguments) and of its documents + 3 for the reply primer + tokens of the JSON of the offered tools.
 */
export function countPromptTokens(messages: readonly PromptMessage[], tools: unknown): number {
  let total = TOKENS_PER_REPLY;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.text) + (message.documentTokens ?? 0);
  }
  if (Array.isArray(tools) && tools.length > 0) total += countTextTokens(JSON.stringify(tools));
  return total;
}
