/** What the planner may know about an offering's live health. A snapshot: plain data, no I/O. */
export interface OfferingHealth {
  readonly state: "closed" | "open" | "half-open";
  /** Epoch ms until which an open circuit stays open. */
  readonly openUntil: number | undefined;
  /** EWMA of whole-answer latency (non-streamed requests), ms. */
  readonly latencyMs: number | undefined;
  /** EWMA of time to first token (streamed requests), ms. */
  readonly ttftMs: number | undefined;
  /** Failures / outcomes over the sliding window, 0 when there were none. */
  readonly errorRate: number;
  /** Outcomes in the sliding window. */
  readonly samples: number;
}

export interface HealthView {
  /** The offering's health at `now`; undefined when nothing is known about it yet. */
  of(offeringId: string, now: number): OfferingHealth | undefined;
  /** Changes whenever any circuit changes state: plans made before are stale. */
  readonly version: number;
  /** The earliest instant an open circuit half-opens (Infinity when none is open). */
  earliestReopen(): number;
}

/** For plans made without live data (the CLI, tests): every offering healthy and unmeasured. */
export const noHealth: HealthView = { of: () => undefined, version: 0, earliestReopen: () => Infinity };
