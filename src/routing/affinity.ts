import type { ChatRequest } from "../core/chat-request.js";
import type { Plan } from "./plan.js";

/*
 * Cache-aware affinity. Providers cache prompt prefixes per deployment: requests of one conversation that
 * land on another cloud each turn find a cold cache there, and the hit rate decays towards 1/N. The
 * affinity table remembers which offering last served a conversation (by the client's own cache key, its
 * end-user id, or the hash of its cached prefix) and puts that offering first in the next plan while it
 * is still in the plan — eligible, inside the tenant's policy, circuit not open. A failover moves the
 * conversation: the offering that answers is the one remembered. Entries expire with the provider's cache.
 */

export interface AffinityOptions {
  /** How long a conversation stays with its offering after its last answer (a prompt cache's TTL). */
  readonly ttlMs: number;
  /** Conversations remembered at most; the least recently used go first. */
  readonly maxEntries: number;
}

export interface AffinityKey {
  /** Scoped to the tenant: conversations of two tenants never share an entry. */
  readonly key: string;
  /** What the key came from, for the planner's reason: `prompt_cache_key`, `user`, `cached prefix`. */
  readonly source: string;
}

interface Entry {
  readonly offering: string;
  readonly provider: string;
  expiresAt: number;
}

export class AffinityTable {
  readonly #options: AffinityOptions;
  /** Map iteration order is insertion order: re-inserting on use keeps the oldest first. */
  readonly #entries = new Map<string, Entry>();

  constructor(options: AffinityOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The plan with the conversation's warm offering first, when it is in the plan and not first already. */
  apply(plan: Plan, affinity: AffinityKey, now: number): Plan {
    const entry = this.#entries.get(affinity.key);
    if (entry === undefined) return plan;
    if (entry.expiresAt <= now) {
      this.#entries.delete(affinity.key);
      return plan;
    }
    const at = plan.candidates.findIndex((candidate) => candidate.offering.id === entry.offering);
    if (at < 0) return plan;
    const warm = plan.candidates[at];
    if (warm === undefined) return plan;
    const reason = `affinity: warm cache on ${entry.provider} (${affinity.source}); ${warm.reason}`;
    const candidates = [{ ...warm, reason }, ...plan.candidates.filter((_, index) => index !== at)];
    return { ...plan, candidates };
  }

  /** The offering that answered the conversation: it serves the next turn while its cache is warm. */
  remember(affinity: AffinityKey, offering: string, provider: string, now: number): void {
    this.#entries.delete(affinity.key);
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(affinity.key, { offering, provider, expiresAt: now + this.#options.ttlMs });
  }
}

/**
 * What ties a chat request to a conversation: the client's `prompt_cache_key` (OpenAI's field for exactly
 * this), else its end-user id (`user`, or Anthropic's `metadata.user_id`); none when the client sent
 * neither.
 */
export function affinityKeyOf(tenant: string, chat: ChatRequest): AffinityKey | undefined {
  const cacheKey = chat.passthrough?.fields["prompt_cache_key"];
  if (typeof cacheKey === "string" && cacheKey !== "")
    return { key: `${tenant}\u0000${chat.model}\u0000k\u0000${cacheKey}`, source: "prompt_cache_key" };
  if (chat.user !== undefined && chat.user !== "")
    return { key: `${tenant}\u0000${chat.model}\u0000u\u0000${chat.user}`, source: "user" };
  return undefined;
}
