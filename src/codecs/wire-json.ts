import type { Usage } from "../core/usage.js";

/** Tolerant readers of wire JSON, shared by every codec's decoders. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A token counter: a finite, non-negative number, or undefined for anything else. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * A canonical usage from counts already in OpenAI's semantics; a missing total is input + output, and
 * the optional details appear only when the provider gave them.
 */
export function usageOf(counts: {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens?: number | undefined;
  readonly cachedInputTokens?: number | undefined;
  readonly cacheWriteInputTokens?: number | undefined;
  readonly reasoningTokens?: number | undefined;
}): Usage {
  const usage: { -readonly [K in keyof Usage]: Usage[K] } = {
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    totalTokens: counts.totalTokens ?? counts.inputTokens + counts.outputTokens,
  };
  if (counts.cachedInputTokens !== undefined) usage.cachedInputTokens = counts.cachedInputTokens;
  if (counts.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = counts.cacheWriteInputTokens;
  if (counts.reasoningTokens !== undefined) usage.reasoningTokens = counts.reasoningTokens;
  return usage;
}

/**
 * `table[key]` for a key a provider sent: only the table's own entries, so a name such as
 * `constructor` or `__proto__` is unknown rather than a property of `Object.prototype`.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
