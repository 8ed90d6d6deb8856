import { RedisUnavailableError } from "../store/redis/redis-connection.js";
import { StoreUnavailableError } from "../store/index.js";

/**
 * The CLI's exit statuses: one per kind of failure, so scripts and supervisors can tell a typo on the
 * command line from a broken configuration or a taken port. Documented in the README and `switchyard help`.
 */
export const exitCodes = {
  ok: 0,
  /** A bug: the message and stack are printed so it can be reported. */
  internal: 1,
  usage: 2,
  config: 3,
  listen: 4,
  store: 5,
} as const;

export const exitCodeMeanings: readonly (readonly [number, string])[] = [
  [exitCodes.ok, "success"],
  [exitCodes.internal, "an unexpected error (a bug; the message says where)"],
  [exitCodes.usage, "a usage error: unknown command or option, a missing or bad option value"],
  [exitCodes.config, "the configuration cannot be read or is invalid (every problem is listed)"],
  [exitCodes.listen, "cannot listen: the port is in use, or the address or port is not permitted"],
  [
    exitCodes.store,
    "the store (database.url or database.file) cannot be opened, or Redis (redis.url, with on_failure: closed) cannot be reached; the message says where and why",
  ],
];

/** A problem with the command line: one line on stderr, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The gateway cannot listen where it was asked to: one line on stderr, exit status 4. */
export class ListenError extends Error {
  override readonly name = "ListenError";
}

/** The store cannot be opened (PostgreSQL unreachable, an SQLite file that cannot be created): exit 5. */
export class StoreError extends Error {
  override readonly name = "StoreError";
}

/** A store that failed to open, as one line; undefined for any other error. */
export function storeError(error: unknown): StoreError | undefined {
  if (error instanceof RedisUnavailableError)
    return new StoreError(
      `${error.message} (redis.url; with redis.on_failure: open the gateway starts without it)`,
    );
  return error instanceof StoreUnavailableError ? new StoreError(error.message) : undefined;
}

/** Turns a failed `listen` into a sentence that says what is wrong and what to do. */
export function listenError(error: unknown, host: string, port: number): ListenError | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError(
        `cannot serve on ${where}: the port is already in use; stop the other process, or choose another port with --port N (or SWITCHYARD_PORT)`,
      );
    case "EACCES":
      return new ListenError(
        `cannot serve on ${where}: not permitted (ports below 1024 need privileges); choose another port with --port N`,
      );
    case "EADDRNOTAVAIL":
      return new ListenError(
        `cannot serve on ${where}: ${host} is not an address of this machine; set server.host to one of its addresses, or 0.0.0.0 for all`,
      );
    default:
      return undefined;
  }
}
