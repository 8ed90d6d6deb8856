import { Redis } from "ioredis";
import { reasonOf } from "../store-unavailable-error.js";

/**
 * Redis cannot be reached (at start, or for one call at run time: no answer within the timeout, the
 * connection is down, or the call failed). The message is one line naming host:port and the reason,
 * never the password of the URL. The admission layer maps it onto its fail-open or fail-closed mode.
 */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
  readonly code = "redis_unavailable";
  constructor(
    /** `host:port`, never a password. */
    readonly target: string,
    readonly reason: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`Redis at ${target} is unavailable: ${reason}`, options);
  }
}

/** `host:port` of a `redis://` or `rediss://` URL, for messages: the URL itself may hold a password. */
export function redisTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(an invalid Redis URL)";
  }
  const host = parsed.hostname === "" ? "127.0.0.1" : parsed.hostname;
  return `${host}:${parsed.port === "" ? "6379" : parsed.port}`;
}

export interface RedisConnectionOptions {
  /** For the connection name seen in `CLIENT LIST`, e.g. `counters`. */
  readonly role: string;
  /** Commands that wait this long for any byte of an answer destroy the socket (a hung server). */
  readonly socketTimeoutMs?: number | undefined;
}

/**
 * Reconnects after 100 ms, doubling up to 2 s, with jitter so replicas that lost Redis together do not
 * come back in step.
 */
export function reconnectDelay(attempt: number): number {
  const base = Math.min(2_000, 100 * 2 ** Math.min(attempt - 1, 5));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * A connection that never queues a command while it is offline: a call made while Redis is down fails
 * at once (enableOfflineQueue false), and the calls in flight when the connection drops are rejected,
 * never resent (maxRetriesPerRequest 0, no resend): their effect is unknown, and resending a charge
 * could apply it twice. The callers decide what a failure means (see redis-counters.ts).
 */
export function createRedis(url: string, options: RedisConnectionOptions): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    socketTimeout: options.socketTimeoutMs,
    keepAlive: 10_000,
    noDelay: true,
    connectionName: `switchyard-${options.role}`,
    retryStrategy: reconnectDelay,
  });
}

/**
 * Connects, or fails with a {@link RedisUnavailableError} saying why, and stops reconnecting unless
 * `keepTrying` (then ioredis goes on reconnecting in the background: a disconnect here would end that for
 * good). The caller attaches its own `error` listener first; the last error seen is the reason given.
 */
export async function connectRedis(redis: Redis, url: string, keepTrying = false): Promise<void> {
  let lastError: unknown;
  const remember = (error: unknown): void => {
    lastError = error;
  };
  redis.on("error", remember);
  try {
    await redis.connect();
  } catch (error) {
    if (!keepTrying) redis.disconnect();
    throw new RedisUnavailableError(redisTarget(url), reasonOf(lastError ?? error), {
      cause: lastError ?? error,
    });
  } finally {
    redis.off("error", remember);
  }
}

/** Whether a call failed before it was written to the socket (so it had no effect and may be sent later). */
export function neverSent(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Stream isn't writeable");
}

/** Ends a connection: politely (pending answers first) when it is up, at once otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the connection went away while quitting.
    }
  }
  redis.disconnect();
}
