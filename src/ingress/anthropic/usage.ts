import type { Usage } from "../../core/usage.js";

/** Anthropic's `usage`: `input_tokens` counts only the input that was neither read from nor written to the cache. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Canonical usage (OpenAI's semantics: input includes cache reads and writes) → Anthropic's, where
 * total input = `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`.
 * An upstream whose cache counts exceed its input count is inconsistent; input is then 0, never negative.
 * @see https://docs.claude.com/en/api/messages
 */
export function encodeUsage(usage: Usage): AnthropicUsage {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** What a message reports when the upstream gave no usage: zeros, as Anthropic's shape requires numbers. */
export const unknownUsage: Readonly<AnthropicUsage> = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});
