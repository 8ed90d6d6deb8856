import type { Dialect } from "../core/chat-request.js";

/** The operations a gateway forwards upstream. */
export type Operation = "chat" | "embeddings";

/** One call the executor wants to make upstream, already encoded by the offering's codec. */
export interface UpstreamCall {
  readonly operation: Operation;
  /** The offering's dialect: a cloud may serve several (Vertex: Gemini, Claude, OpenAI-compatible). */
  readonly dialect: Dialect;
  readonly nativeModel: string;
  readonly stream: boolean;
  readonly body: Record<string, unknown>;
}

/** What goes on the wire: path with query, headers with the login, and the serialised body. */
export interface UpstreamRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A cloud's URL and login, nothing else: no translation happens here. A transport may move a field
 * between the body and the URL (Vertex names the model in the path) but never changes its meaning.
 * `prepare` is synchronous where the login is static (keys), and asynchronous where it is not
 * (request signing, OAuth tokens); header objects for static logins are built once per provider.
 */
export interface Transport {
  readonly providerId: string;
  /** Scheme, host and port: the key of the connection pool. */
  readonly origin: string;
  prepare(call: UpstreamCall): UpstreamRequest | Promise<UpstreamRequest>;
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
