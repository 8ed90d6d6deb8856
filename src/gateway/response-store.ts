import type { Message } from "../core/chat-request.js";

/**
 * A stored Responses API answer: the response object that `GET /v1/responses/{id}` returns, and the
 * conversation up to and including it in canonical messages, which the next turn replays (input and
 * output) to whichever offering serves it, on any cloud.
 */
export interface StoredResponse {
  readonly id: string;
  /** The response object as the client saw it (JSON-serialisable). */
  readonly response: Readonly<Record<string, unknown>>;
  /** Every message of the conversation so far, this response's output last. Instructions are not kept. */
  readonly conversation: readonly Message[];
}

/**
 * Where stored responses live, per tenant: a response id of another tenant is as unknown as one that
 * never existed. Asynchronous so that a shared SQLite or PostgreSQL store can stand behind it.
 */
export interface ResponseStore {
  get(tenant: string, id: string): Promise<StoredResponse | undefined>;
  put(tenant: string, stored: StoredResponse): Promise<void>;
  /** True when there was such a response. */
  delete(tenant: string, id: string): Promise<boolean>;
}

export interface MemoryResponseStoreLimits {
  /** At most this many responses are kept (all tenants together). */
  readonly maxEntries: number;
  /** At most this many bytes of serialised responses are kept (all tenants together). */
  readonly maxBytes: number;
}

/**
 * The in-process store, until the shared one lands: least recently used first out, bounded both by
 * count and by bytes (the size of each entry's JSON), so a gateway's memory stays bounded whatever its
 * clients send. A response larger than `maxBytes` on its own is not kept. Lost on restart, and not
 * shared between gateway instances: a follow-up turn on another instance gets `previous_response_not_found`.
 */
export class MemoryResponseStore implements ResponseStore {
  readonly #limits: MemoryResponseStoreLimits;
  /** Map order is recency order: a read moves its entry to the end. */
  readonly #entries = new Map<string, { stored: StoredResponse; bytes: number }>();
  #bytes = 0;

  constructor(limits: MemoryResponseStoreLimits) {
    this.#limits = limits;
  }

  /** Entries and bytes held, for tests and diagnostics. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  get(tenant: string, id: string): Promise<StoredResponse | undefined> {
    const key = keyOf(tenant, id);
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return Promise.resolve(entry.stored);
  }

  put(tenant: string, stored: StoredResponse): Promise<void> {
    const key = keyOf(tenant, stored.id);
    this.#remove(key);
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    if (bytes > this.#limits.maxBytes || this.#limits.maxEntries < 1) return Promise.resolve();
    this.#entries.set(key, { stored, bytes });
    this.#bytes += bytes;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) break;
      this.#remove(oldest);
    }
    return Promise.resolve();
  }

  delete(tenant: string, id: string): Promise<boolean> {
    return Promise.resolve(this.#remove(keyOf(tenant, id)));
  }

  #remove(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }
}

/**
 * A store whose reads wait for a write of the same response still in flight. The answer reaches the
 * client the moment it is complete and the write happens beside it, so a client quick to send the next
 * turn could otherwise race a slow (shared) store and be told its previous response does not exist.
 */
export class ConsistentResponseStore implements ResponseStore {
  readonly #store: ResponseStore;
  readonly #writing = new Map<string, Promise<void>>();

  constructor(store: ResponseStore) {
    this.#store = store;
  }

  async get(tenant: string, id: string): Promise<StoredResponse | undefined> {
    const pending = this.#writing.get(keyOf(tenant, id));
    if (pending !== undefined) await pending.catch(() => undefined);
    return this.#store.get(tenant, id);
  }

  put(tenant: string, stored: StoredResponse): Promise<void> {
    const key = keyOf(tenant, stored.id);
    const write = this.#store.put(tenant, stored).finally(() => {
      if (this.#writing.get(key) === write) this.#writing.delete(key);
    });
    this.#writing.set(key, write);
    return write;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const pending = this.#writing.get(keyOf(tenant, id));
    if (pending !== undefined) await pending.catch(() => undefined);
    return this.#store.delete(tenant, id);
  }
}

/** Tenant and id in one key; the NUL cannot appear in a configured tenant name. */
function keyOf(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}
