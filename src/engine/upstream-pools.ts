import { Pool } from "undici";

export interface PoolOptions {
  readonly connectTimeoutMs: number;
  readonly connections: number;
}

/** One keep-alive undici Pool per upstream origin, shared by every provider on that origin. */
export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #options: PoolOptions;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  /** The pool for an origin; a tenant's own connect timeout gets a pool of its own. */
  get(origin: string, connections?: number, connectTimeoutMs?: number): Pool {
    const key = connectTimeoutMs === undefined ? origin : `${origin} ${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: connections ?? this.#options.connections,
        connect: { timeout: connectTimeoutMs ?? this.#options.connectTimeoutMs },
        keepAliveTimeout: 30_000,
        pipelining: 1,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
