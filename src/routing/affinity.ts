import { createHash } from "node:crypto";
import { requestHasCacheControl } from "../codecs/reasoning.js";
import type { CacheControl, ChatRequest } from "../core/chat-request.js";
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
  /** How long the provider keeps this cache, when the request says (a breakpoint's `ttl: 1h`). */
  readonly ttlMs?: number;
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
    this.#entries.set(affinity.key, {
      offering,
      provider,
      expiresAt: now + (affinity.ttlMs ?? this.#options.ttlMs),
    });
  }
}

/**
 * What ties a chat request to a conversation or a shared cached prefix: the client's `prompt_cache_key`
 * (OpenAI's field for exactly this), else its end-user id (`user`, or Anthropic's `metadata.user_id`),
 * else the hash of its prompt up to its first cache breakpoint (tools, then system, then messages, as
 * Anthropic orders the cached prefix) — requests that share that prefix share its cache; none when the
 * request has none of the three.
 */
export function affinityKeyOf(tenant: string, chat: ChatRequest): AffinityKey | undefined {
  const cacheKey = chat.passthrough?.fields["prompt_cache_key"];
  if (typeof cacheKey === "string" && cacheKey !== "")
    return { key: `${tenant}\u0000${chat.model}\u0000k\u0000${cacheKey}`, source: "prompt_cache_key" };
  if (chat.user !== undefined && chat.user !== "")
    return { key: `${tenant}\u0000${chat.model}\u0000u\u0000${chat.user}`, source: "user" };
  const prefix = cachedPrefix(chat);
  if (prefix === undefined) return undefined;
  return {
    key: `${tenant}\u0000${chat.model}\u0000p\u0000${prefix.hash}`,
    source: "cached prefix",
    ...(prefix.ttl === "1h" ? { ttlMs: 3_600_000 } : {}),
  };
}

/** The hash of the prompt up to and including its first breakpoint, and that breakpoint's TTL. */
function cachedPrefix(chat: ChatRequest): { hash: string; ttl: CacheControl["ttl"] } | undefined {
  // A cheap first look, so requests without breakpoints never hash anything.
  if (!requestHasCacheControl(chat)) return undefined;
  const hash = createHash("sha256");
  const add = (kind: string, text: string): void => {
    hash.update(kind);
    hash.update("\u0000");
    hash.update(text);
    hash.update("\u0000");
  };
  const done = (control: CacheControl | undefined): { hash: string; ttl: CacheControl["ttl"] } | undefined =>
    control === undefined ? undefined : { hash: hash.digest("hex"), ttl: control.ttl };
  for (const tool of chat.tools ?? []) {
    add("tool", JSON.stringify([tool.name, tool.description ?? "", tool.parameters ?? {}]));
    const found = done(tool.cacheControl);
    if (found !== undefined) return found;
  }
  for (const message of chat.messages) {
    switch (message.role) {
      case "system": {
        add("system", message.content);
        const found = done(message.cacheControl);
        if (found !== undefined) return found;
        break;
      }
      case "user":
        for (const part of message.content) {
          add("user", part.type === "text" ? part.text : part.url);
          const found = done(part.cacheControl);
          if (found !== undefined) return found;
        }
        break;
      case "assistant":
        for (const part of message.content) {
          add("assistant", part.type === "text" ? part.text : part.thinking);
          const found = done(part.type === "text" ? part.cacheControl : undefined);
          if (found !== undefined) return found;
        }
        for (const call of message.toolCalls ?? []) {
          add("call", `${call.name}\u0000${call.arguments}`);
          const found = done(call.cacheControl);
          if (found !== undefined) return found;
        }
        break;
      case "tool": {
        add("tool-result", `${message.toolCallId}\u0000${message.content}`);
        const found = done(message.cacheControl);
        if (found !== undefined) return found;
        break;
      }
    }
  }
  return undefined;
}
