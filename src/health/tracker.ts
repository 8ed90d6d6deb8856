import type { HealthConfig } from "../config/types.js";
import type { HealthView, OfferingHealth } from "./health-view.js";

/** What one attempt of an offering came to, as the health tracker counts it. */
export type Outcome =
  | { readonly ok: true; readonly latencyMs: number; readonly ttftMs?: number | undefined }
  | {
      readonly ok: false;
      /** The upstream asked to wait (a 429's Retry-After): the circuit opens for that long. */
      readonly retryAfterMs?: number | undefined;
    };

interface Slot {
  state: "closed" | "open" | "half-open";
  openUntil: number;
  /** A half-open circuit lets one probe through at a time. */
  probing: boolean;
  consecutiveFailures: number;
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  /** The sliding window: outcome counts per bucket of `windowMs / BUCKETS`, a ring indexed by bucket number. */
  window: OutcomeWindow;
}

/**
 * Live health per offering: EWMA latency and time to first token, the error rate over a sliding
 * window, and a circuit breaker.
 *
 * closed ─(N consecutive failures, or error rate ≥ R over ≥ M outcomes, or a Retry-After)→ open
 * open ─(open_ms elapsed, or the Retry-After)→ half-open: one probe at a time
 * half-open ─(probe succeeds)→ closed; ─(probe fails)→ open again.
 *
 * In-process; the clock is injected. Every method is O(1) amortised.
 */
export class HealthTracker implements HealthView {
  readonly #slots = new Map<string, Slot>();
  readonly #config: HealthConfig;
  #version = 0;

  get version(): number {
    return this.#version;
  }

  earliestReopen(): number {
    let earliest = Infinity;
    for (const slot of this.#slots.values())
      if (slot.state === "open" && slot.openUntil < earliest) earliest = slot.openUntil;
    return earliest;
  }

  constructor(config: HealthConfig) {
    this.#config = config;
  }

  of(offeringId: string, now: number): OfferingHealth | undefined {
    const slot = this.#slots.get(offeringId);
    if (slot === undefined) return undefined;
    this.#advance(slot, now);
    return {
      state: slot.state,
      openUntil: slot.state === "open" ? slot.openUntil : undefined,
      latencyMs: slot.latencyMs,
      ttftMs: slot.ttftMs,
      errorRate: slot.window.errorRate(now),
      samples: slot.window.total(now),
    };
  }

  /**
   * Called before an attempt: false when the circuit is open, or half-open with a probe already in
   * flight (the executor then moves on). A true answer in half-open state makes this attempt the probe.
   */
  admit(offeringId: string, now: number): boolean {
    const slot = this.#slots.get(offeringId);
    if (slot === undefined) return true;
    this.#advance(slot, now);
    if (slot.state === "closed") return true;
    if (slot.state === "open" || slot.probing) return false;
    slot.probing = true;
    return true;
  }

  record(offeringId: string, outcome: Outcome, now: number): void {
    const slot = this.#slot(offeringId);
    this.#advance(slot, now);
    const { ewmaAlpha } = this.#config;
    slot.window.add(now, !outcome.ok);
    slot.probing = false;
    if (outcome.ok) {
      slot.consecutiveFailures = 0;
      if (slot.state !== "closed") this.#version += 1;
      slot.state = "closed";
      slot.latencyMs = ewma(slot.latencyMs, outcome.latencyMs, ewmaAlpha);
      if (outcome.ttftMs !== undefined) slot.ttftMs = ewma(slot.ttftMs, outcome.ttftMs, ewmaAlpha);
      return;
    }
    slot.consecutiveFailures += 1;
    const { consecutiveFailures, errorRate, minRequests, openMs } = this.#config;
    const tripped =
      slot.state === "half-open" ||
      slot.consecutiveFailures >= consecutiveFailures ||
      (slot.window.total(now) >= minRequests && slot.window.errorRate(now) >= errorRate);
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0) {
      this.#open(slot, now + outcome.retryAfterMs);
    } else if (tripped) {
      this.#open(slot, now + openMs);
    }
  }

  /** Forgets everything (tests; an operator's reset). */
  clear(): void {
    this.#slots.clear();
    this.#version += 1;
  }

  /** An admitted attempt ended without an outcome worth counting (the client went away). */
  release(offeringId: string): void {
    const slot = this.#slots.get(offeringId);
    if (slot !== undefined) slot.probing = false;
  }

  #open(slot: Slot, until: number): void {
    slot.openUntil = slot.state === "open" ? Math.max(slot.openUntil, until) : until;
    slot.state = "open";
    this.#version += 1;
  }

  #advance(slot: Slot, now: number): void {
    if (slot.state === "open" && now >= slot.openUntil) {
      slot.state = "half-open";
      slot.probing = false;
      this.#version += 1;
    }
  }

  #slot(offeringId: string): Slot {
    let slot = this.#slots.get(offeringId);
    if (slot === undefined) {
      slot = {
        state: "closed",
        openUntil: 0,
        probing: false,
        consecutiveFailures: 0,
        latencyMs: undefined,
        ttftMs: undefined,
        window: new OutcomeWindow(this.#config.windowMs),
      };
      this.#slots.set(offeringId, slot);
    }
    return slot;
  }
}

function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

const BUCKETS = 10;

/**
 * Outcomes over the last `windowMs`, counted in ten buckets: memory and time per outcome stay constant
 * whatever the request rate (the window moves one bucket at a time, so it spans 90–100 % of `windowMs`).
 */
class OutcomeWindow {
  readonly #bucketMs: number;
  readonly #numbers = new Array<number>(BUCKETS).fill(-1);
  readonly #totals = new Array<number>(BUCKETS).fill(0);
  readonly #failures = new Array<number>(BUCKETS).fill(0);

  constructor(windowMs: number) {
    this.#bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS));
  }

  add(now: number, failed: boolean): void {
    const number = Math.floor(now / this.#bucketMs);
    const at = number % BUCKETS;
    if (this.#numbers[at] !== number) {
      this.#numbers[at] = number;
      this.#totals[at] = 0;
      this.#failures[at] = 0;
    }
    this.#totals[at] = (this.#totals[at] ?? 0) + 1;
    if (failed) this.#failures[at] = (this.#failures[at] ?? 0) + 1;
  }

  total(now: number): number {
    return this.#sum(this.#totals, now);
  }

  errorRate(now: number): number {
    const total = this.total(now);
    return total === 0 ? 0 : this.#sum(this.#failures, now) / total;
  }

  #sum(counts: readonly number[], now: number): number {
    const current = Math.floor(now / this.#bucketMs);
    let sum = 0;
    for (let at = 0; at < BUCKETS; at++) {
      const number = this.#numbers[at] ?? -1;
      if (number > current - BUCKETS && number <= current) sum += counts[at] ?? 0;
    }
    return sum;
  }
}
