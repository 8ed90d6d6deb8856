import type { Dialect } from "../core/chat-request.js";

/** The operations a gateway forwards upstream. */
export type Operation = "chat" | "embeddings";

/**
 * A cloud's URL and login, nothing else: no translation happens here.
 * Header objects are built once per provider so the hot path only reads them.
 */
export interface Transport {
  readonly providerId: string;
  /** The dialect this provider speaks; picks the codec. */
  readonly dialect: Dialect;
  /** Scheme, host and port: the key of the connection pool. */
  readonly origin: string;
  /** Path and query for one operation on one native model or deployment. */
  path(operation: Operation, nativeModel: string): string;
  /** Request headers including authentication. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface SplitUrl {
  readonly origin: string;
  /** The path without a trailing slash ("" for the root). */
  readonly pathPrefix: string;
}

export function splitUrl(url: string): SplitUrl {
  const parsed = new URL(url);
  const path = parsed.pathname.endsWith("/") ? parsed.pathname.slice(0, -1) : parsed.pathname;
  return { origin: parsed.origin, pathPrefix: path };
}
