import { errors } from "undici";
import { GatewayError } from "../errors/gateway-error.js";

/** Raised when the client went away: the request is over, nothing to fail over to. */
export class ClientAbortedError extends Error {
  override readonly name = "ClientAbortedError";
}

/** Maps what undici throws (resets, refusals, timeouts) to a GatewayError that drives failover. */
export function classifyTransportError(
  error: unknown,
  provider: string,
  cancellation: { readonly aborted: boolean },
): Error {
  if (cancellation.aborted || error instanceof ClientAbortedError)
    return new ClientAbortedError("the client closed the connection");
  if (error instanceof GatewayError) return error;
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new GatewayError("upstream_timeout", `${provider} did not answer in time (${error.message})`, {
      provider,
      cause: error,
    });
  }
  const code = (error as { code?: unknown } | null)?.code;
  // Anything that is neither undici's nor the socket's is a bug of ours: let it surface as one.
  if (!(error instanceof errors.UndiciError) && !(typeof code === "string" && code.startsWith("E"))) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const detail = typeof code === "string" ? code : (error as Error).message;
  return new GatewayError("upstream_connection_failed", `the connection to ${provider} failed (${detail})`, {
    provider,
    cause: error,
  });
}
