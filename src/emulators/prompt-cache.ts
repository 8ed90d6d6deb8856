import { sha256 } from "./hashing.js";
import { countTextTokens } from "./tokens.js";

/** One piece of a prompt in the order the model reads it (tools, system, messages' blocks). */
export interface PromptSegment {
  /** The piece as sent, without its breakpoint marker: what the cache key is made of. */
  readonly content: unknown;
  /** A breakpoint after this piece, with its lifetime in ms; absent for none. */
  readonly breakpointTtlMs?: number;
}

/** What a request's prompt did with the cache, in tokens. */
export interface CacheUse {
  readonly read: number;
  readonly write: number;
  /**
   * The prompt's token count: the caller's, or the pieces' own count when that is larger (the pieces
   * are counted as the JSON sent), so reads and writes never exceed the input they are part of.
   */
  readonly total: number;
}

export interface PromptCacheOptions {
  /** Entries kept at most; the oldest goes first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export const FIVE_MINUTES_MS = 5 * 60_000;
export const ONE_HOUR_MS = 60 * 60_000;

/**
 * A model of Anthropic's (and Bedrock's) prompt cache. Each breakpoint's prefix — every piece up to and
 * including the one it follows — is keyed by a running hash; a request reads the longest prefix that is
 * cached and not expired, and writes the rest up to its last breakpoint. A hit refreshes the entry's
 * lifetime, as the clouds do. Simplified: no minimum cacheable length, no 20-block look-back.
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching#how-prompt-caching-works
 */
export class PromptCache {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: PromptCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1024;
    this.#now = options.now ?? Date.now;
  }

  /** Reads and writes the cache for one prompt; `scope` (the model) keeps models apart. */
  use(scope: string, segments: readonly PromptSegment[], totalTokens: number): CacheUse {
    const points: { key: string; tokens: number; ttlMs: number }[] = [];
    let hash = sha256(`scope\u0000${scope}`).toString("hex");
    let tokens = 0;
    for (const segment of segments) {
      const text = JSON.stringify(segment.content);
      hash = sha256(`${hash}\u0000${text}`).toString("hex");
      tokens += countTextTokens(text);
      if (segment.breakpointTtlMs !== undefined)
        points.push({ key: hash, tokens, ttlMs: segment.breakpointTtlMs });
    }
    const total = Math.max(totalTokens, tokens);
    if (points.length === 0) return { read: 0, write: 0, total: totalTokens };
    const now = this.#now();
    let hit = -1;
    for (let index = points.length - 1; index >= 0; index -= 1) {
      const expires = this.#entries.get(points[index]?.key ?? "");
      if (expires !== undefined && expires > now) {
        hit = index;
        break;
      }
    }
    for (const point of points) this.#remember(point.key, now + point.ttlMs);
    const read = hit === -1 ? 0 : (points[hit]?.tokens ?? 0);
    const last = points.at(-1)?.tokens ?? 0;
    const write = hit === points.length - 1 ? 0 : last - read;
    return { read, write, total };
  }

  clear(): void {
    this.#entries.clear();
  }

  #remember(key: string, expires: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, expires);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }
}
