import type { Logger } from "pino";
import type { RedisConfig } from "../config/types.js";
import { RedisCounters } from "../governance/redis-counters.js";
import type { HealthTracker } from "../health/tracker.js";
import { RedisCircuits } from "../health/redis-circuits.js";

/**
 * What replicas share through Redis (`redis.url`): the counters of rate limits and budgets, and circuit
 * openings. With `on_failure: closed` a Redis that is down at start stops the gateway (a one-line
 * RedisUnavailableError); with `open` it is a warning, and sharing starts when Redis answers.
 */
export interface SharedState {
  readonly counters: RedisCounters;
  shareCircuits(tracker: HealthTracker): Promise<void>;
  close(): Promise<void>;
}

export async function connectSharedState(config: RedisConfig, logger: Logger): Promise<SharedState> {
  const required = config.onFailure === "closed";
  const options = { url: config.url, keyPrefix: config.keyPrefix, timeoutMs: config.timeoutMs };
  const warn = (message: string): void => logger.warn({ redis: "shared state" }, message);
  const counters = await RedisCounters.connect(options, { onWarning: warn }, required);
  let circuits: RedisCircuits | undefined;
  return {
    counters,
    async shareCircuits(tracker) {
      try {
        circuits = await RedisCircuits.connect(options, tracker, { onWarning: warn }, required);
      } catch (error) {
        await counters.close();
        throw error;
      }
    },
    async close() {
      await circuits?.close();
      await counters.close();
    },
  };
}
