import type { HealthTracker } from "../../../src/health/tracker.js";

type CircuitState = "closed" | "open" | "half-open";

export interface BreakerTransition {
  readonly offering: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * Records every circuit transition of a running gateway. It wraps the tracker instance's `admit` and
 * `record` (every attempt passes through them) and reads the state after each call, so a drill sees
 * closed → open → half-open → closed without the gateway exposing an event for it. Instrumentation
 * only: the tracker's behaviour is untouched.
 */
export class BreakerLog {
  readonly #tracker: HealthTracker;
  readonly #states = new Map<string, CircuitState>();
  #transitions: BreakerTransition[] = [];

  constructor(tracker: HealthTracker) {
    this.#tracker = tracker;
    const admit = tracker.admit.bind(tracker);
    const record = tracker.record.bind(tracker);
    // Every argument is passed on as given (the mode of an attempt among them).
    tracker.admit = (...args: Parameters<HealthTracker["admit"]>) => {
      this.#observe(args[0], args[1]); // an open circuit whose time is up half-opens on this read
      const admitted = admit(...args);
      this.#observe(args[0], args[1]);
      return admitted;
    };
    tracker.record = (...args: Parameters<HealthTracker["record"]>) => {
      record(...args);
      this.#observe(args[0], args[2]);
    };
  }

  get transitions(): readonly BreakerTransition[] {
    return this.#transitions;
  }

  /** How many transitions of each kind, e.g. `{ "closed→open": 2, "open→half-open": 1 }`. */
  summary(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { from, to } of this.#transitions)
      counts[`${from}→${to}`] = (counts[`${from}→${to}`] ?? 0) + 1;
    return counts;
  }

  /** Offerings whose circuit opened at least once. */
  opened(): Set<string> {
    return new Set(this.#transitions.filter((t) => t.to === "open").map((t) => t.offering));
  }

  clear(): void {
    this.#states.clear();
    this.#transitions = [];
  }

  /** Reads both of an offering's breakers: its own (`offering`) and its streams' (`offering (streams)`). */
  #observe(offering: string, now: number): void {
    const whole = this.#tracker.of(offering, now);
    const streams = this.#tracker.of(offering, now, "stream");
    this.#note(offering, whole?.state ?? "closed");
    // The streams' breaker is named only while it is the one keeping streams off the offering.
    this.#note(`${offering} (streams)`, streams?.streamsOnly === true ? streams.state : "closed");
  }

  #note(breaker: string, state: CircuitState): void {
    const before = this.#states.get(breaker) ?? "closed";
    if (state === before) return;
    this.#states.set(breaker, state);
    this.#transitions.push({ offering: breaker, from: before, to: state });
  }
}
