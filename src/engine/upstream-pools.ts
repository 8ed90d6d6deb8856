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

  get(origin: string, connections?: number): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: connections ?? this.#options.connections,
        connect: { timeout: this.#options.connectTimeoutMs },
        keepAliveTimeout: 30_000,
        pipelining: 1,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
