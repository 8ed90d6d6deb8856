import type { HealthConfig } from "../config/types.js";
import type { HealthMode, HealthView, OfferingHealth } from "./health-view.js";

/** What one attempt of an offering came to, as the health tracker counts it. */
export type Outcome =
  | { readonly ok: true; readonly latencyMs: number; readonly ttftMs?: number | undefined }
  | {
      readonly ok: false;
      /** The upstream asked to wait (a 429's Retry-After): the circuit opens for that long. */
      readonly retryAfterMs?: number | undefined;
      /**
       * A stream that failed after its first byte reached the client: the offering answered, its
       * stream broke. It counts against the offering's streams only.
       */
      readonly afterFirstByte?: boolean | undefined;
    };

/**
 * Told when a circuit opens here (not when a peer's opening is applied): what shares circuits across
 * replicas publishes it. `now` is the tracker's clock at the opening, so `openUntil - now` is how long.
 */
export type CircuitOpenListener = (
  offeringId: string,
  mode: HealthMode,
  openUntil: number,
  now: number,
) => void;

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
 * window, and a circuit breaker. Each offering has two: one that counts every attempt except streams
 * broken after their first byte, and one for its streams alone, which counts every streamed attempt.
 * A stream is admitted only when both let it through; a whole answer only needs the first. So an
 * offering whose streams break mid-way is skipped for streams while whole answers from it still flow
 * (and those successes no longer hide the broken streams, as they did with one shared breaker).
 *
 * closed ─(N consecutive failures, or error rate ≥ R over ≥ M outcomes, or a Retry-After)→ open
 * open ─(open_ms elapsed, or the Retry-After)→ half-open: one probe at a time
 * half-open ─(probe succeeds)→ closed; ─(probe fails)→ open again.
 *
 * In-process; the clock is injected. Every method is O(1) amortised.
 */
export class HealthTracker implements HealthView {
  readonly #slots = new Map<string, Slot>();
  /** The streams' own breaker per offering. */
  readonly #streamSlots = new Map<string, Slot>();
  readonly #config: HealthConfig;
  #version = 0;
  #openListener: CircuitOpenListener | undefined;

  get version(): number {
    return this.#version;
  }

  earliestReopen(): number {
    let earliest = Infinity;
    for (const slots of [this.#slots, this.#streamSlots])
      for (const slot of slots.values())
        if (slot.state === "open" && slot.openUntil < earliest) earliest = slot.openUntil;
    return earliest;
  }

  constructor(config: HealthConfig) {
    this.#config = config;
  }

  /** One listener for local openings (undefined to remove it); it must not throw, and is guarded if it does. */
  setOpenListener(listener: CircuitOpenListener | undefined): void {
    this.#openListener = listener;
  }

  /**
   * Opens a circuit because a peer replica opened it, until `openUntil` (this tracker's clock), or
   * longer if it already is. The listener is not told: a peer's opening is never published again.
   */
  openFromPeer(offeringId: string, mode: HealthMode, openUntil: number, now: number): void {
    if (openUntil <= now) return;
    const slot = this.#slot(mode === "stream" ? this.#streamSlots : this.#slots, offeringId);
    this.#advance(slot, now);
    if (slot.state === "open" && slot.openUntil >= openUntil) return;
    this.#open(slot, openUntil);
  }

  of(offeringId: string, now: number, mode: HealthMode = "whole"): OfferingHealth | undefined {
    const slot = this.#slots.get(offeringId);
    const stream = mode === "stream" ? this.#streamSlots.get(offeringId) : undefined;
    if (slot !== undefined) this.#advance(slot, now);
    if (stream !== undefined) this.#advance(stream, now);
    const main = slot ?? stream;
    if (main === undefined) return undefined;
    // The streams' breaker speaks when it is worse than the offering's.
    const worse = stream !== undefined && severity(stream) > (slot === undefined ? -1 : severity(slot));
    const deciding = worse ? stream : main;
    const rated =
      stream !== undefined && stream.window.errorRate(now) > main.window.errorRate(now) ? stream : main;
    return {
      state: deciding.state,
      openUntil: deciding.state === "open" ? deciding.openUntil : undefined,
      streamsOnly: worse,
      latencyMs: main.latencyMs,
      ttftMs: main.ttftMs ?? stream?.ttftMs,
      errorRate: rated.window.errorRate(now),
      samples: rated.window.total(now),
    };
  }

  /**
   * Called before an attempt: false when the circuit is open, or half-open with a probe already in
   * flight (the executor then moves on). A true answer in half-open state makes this attempt the probe.
   */
  admit(offeringId: string, now: number, mode: HealthMode = "whole"): boolean {
    const slot = this.#slots.get(offeringId);
    const stream = mode === "stream" ? this.#streamSlots.get(offeringId) : undefined;
    // Checked before either is marked probing: a refusal by one must not leave the other's probe taken.
    for (const each of [slot, stream]) {
      if (each === undefined) continue;
      this.#advance(each, now);
      if (each.state === "open" || (each.state === "half-open" && each.probing)) return false;
    }
    for (const each of [slot, stream]) if (each?.state === "half-open") each.probing = true;
    return true;
  }

  /** Counts an attempt's outcome; `mode` says whether it was a stream (see the class comment). */
  record(offeringId: string, outcome: Outcome, now: number, mode: HealthMode = "whole"): void {
    if (mode === "stream")
      this.#observe(this.#slot(this.#streamSlots, offeringId), outcome, now, offeringId, "stream");
    if (!outcome.ok && outcome.afterFirstByte === true) {
      // The offering itself answered; only its streams' breaker counts the break.
      const slot = this.#slots.get(offeringId);
      if (slot !== undefined) slot.probing = false;
      return;
    }
    this.#observe(this.#slot(this.#slots, offeringId), outcome, now, offeringId, "whole");
  }

  /** Applies an outcome and tells the listener when it opened the circuit. */
  #observe(slot: Slot, outcome: Outcome, now: number, offeringId: string, mode: HealthMode): void {
    this.#advance(slot, now);
    const wasOpen = slot.state === "open";
    this.#apply(slot, outcome, now);
    const listener = this.#openListener;
    if (wasOpen || slot.state !== "open" || listener === undefined) return;
    try {
      listener(offeringId, mode, slot.openUntil, now);
    } catch {
      // Sharing circuits is best effort: it never fails the attempt that tripped one.
    }
  }

  #apply(slot: Slot, outcome: Outcome, now: number): void {
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
    this.#streamSlots.clear();
    this.#version += 1;
  }

  /** An admitted attempt ended without an outcome worth counting (the client went away). */
  release(offeringId: string): void {
    for (const slots of [this.#slots, this.#streamSlots]) {
      const slot = slots.get(offeringId);
      if (slot !== undefined) slot.probing = false;
    }
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

  #slot(slots: Map<string, Slot>, offeringId: string): Slot {
    let slot = slots.get(offeringId);
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
      slots.set(offeringId, slot);
    }
    return slot;
  }
}

/** open > half-open > closed. */
function severity(slot: Slot): number {
  return slot.state === "open" ? 2 : slot.state === "half-open" ? 1 : 0;
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
