import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { closedPort } from "./tcp-proxy.js";

/** The shared Redis the Redis-backed suites run on; each run keeps to a key prefix of its own. */
export const testRedisUrl = process.env["SWITCHYARD_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

/** A key prefix no other run uses. */
export function testKeyPrefix(label: string): string {
  return `test:${label}:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

/** Deletes every key under `prefix` (a run's leftovers on the shared server). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis of the test's own (`redis-server` as a child process, nothing saved) that it can kill and
 * start again on the same port, for outage drills: the shared server on 6379 is never stopped.
 */
export class RedisChild {
  #child: ChildProcess | undefined;
  #port = 0;

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null;
  }

  /** Starts the server (again, on the same port as before) and waits until it accepts commands. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.#port === 0) this.#port = await closedPort();
    const child = spawn(
      process.env["SWITCHYARD_REDIS_SERVER"] ?? "/usr/bin/redis-server",
      ["--port", String(this.#port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (this.#child === child) this.#child = undefined;
        reject(new Error(`redis-server exited (${code}): ${output}`));
      });
    });
  }

  /** Kills the server at once (SIGKILL: no goodbye to its clients) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  /** A plain client to this server, for the test's own commands (CLIENT PAUSE…). */
  async client(): Promise<Redis> {
    const redis = new Redis(this.url, { lazyConnect: true });
    await redis.connect();
    return redis;
  }
}

/** Polls until `condition` holds, or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
