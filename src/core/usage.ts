/**
 * Token usage with OpenAI's semantics, whatever the provider reported:
 * `inputTokens` includes cached and cache-write tokens; `outputTokens` includes reasoning tokens.
 */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of `inputTokens`). */
  readonly cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (a subset of `inputTokens`). */
  readonly cacheWriteInputTokens?: number;
  /** Output tokens spent on hidden reasoning (a subset of `outputTokens`). */
  readonly reasoningTokens?: number;
}
