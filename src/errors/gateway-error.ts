import { errorCodes, type ErrorCode } from "./codes.js";

export interface GatewayErrorOptions {
  /** The request field at fault, as the client named it (e.g. `messages[0].content`). */
  readonly param?: string;
  /** The HTTP status the upstream answered, when the error came from one. */
  readonly upstreamStatus?: number;
  /** Seconds the upstream asked us to wait (Retry-After), when it did. */
  readonly retryAfterSeconds?: number;
  /** The provider that produced the error, when one did. */
  readonly provider?: string;
  /** What the upstream said, for the operator's log only: never sent to a client (it may quote secrets). */
  readonly detail?: string;
  /** The OpenAI error `type` when it differs from the code's (a rate limit's `requests` or `tokens`). */
  readonly type?: string;
  /** Response headers the error carries (a 429's `x-ratelimit-*`), flat `[name, value, …]`. */
  readonly headers?: readonly string[];
  readonly cause?: unknown;
}

/** The one error type of Switchyard: a stable code, a message for humans, and the field at fault. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly provider: string | undefined;
  readonly detail: string | undefined;
  readonly headers: readonly string[];
  readonly #type: string | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.param = options.param;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.provider = options.provider;
    this.detail = options.detail;
    this.headers = options.headers ?? [];
    this.#type = options.type;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get type(): string {
    return this.#type ?? errorCodes[this.code].type;
  }

  get failover(): "retry" | "next" | "stop" {
    return errorCodes[this.code].failover;
  }
}

/** Turns anything thrown into a GatewayError; unknown errors become `internal_error`. */
export function normalizeError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError("internal_error", `Internal error: ${message}`, { cause: error });
}
