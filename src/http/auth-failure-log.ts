import type { Logger } from "pino";
import type { GatewayError } from "../errors/gateway-error.js";

/**
 * Logs a provider's refusal of the gateway's credentials at `warn`: the provider's own message (which
 * the client never sees) at most once per provider per `intervalMs`, with how many refusals were not
 * logged since, so a revoked key under load is one line a minute, not one per request.
 */
export function createAuthFailureLog(
  logger: Pick<Logger, "warn">,
  intervalMs = 60_000,
  now: () => number = Date.now,
): (provider: string, error: GatewayError) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (provider, error) => {
    const at = now();
    const seen = last.get(provider);
    if (seen !== undefined && at - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    last.set(provider, { at, suppressed: 0 });
    logger.warn(
      {
        provider,
        upstreamStatus: error.upstreamStatus,
        detail: error.detail,
        ...(suppressed > 0 ? { notLoggedSinceLast: suppressed } : {}),
      },
      "a provider refused the gateway's credentials (check its key in the configuration)",
    );
  };
}
