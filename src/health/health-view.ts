/**
 * How an answer is delivered. A stream can fail after its first byte while whole answers from the same
 * offering succeed, so streams have a breaker of their own beside the offering's.
 */
export type HealthMode = "stream" | "whole";

/** What the planner may know about an offering's live health. A snapshot: plain data, no I/O. */
export interface OfferingHealth {
  readonly state: "closed" | "open" | "half-open";
  /** Epoch ms until which an open circuit stays open. */
  readonly openUntil: number | undefined;
  /** Whether the open (or half-open) circuit is the streams' own: whole answers are still served. */
  readonly streamsOnly: boolean;
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
  /**
   * The offering's health at `now` for requests of `mode` (streams also see their own breaker);
   * undefined when nothing is known about it yet.
   */
  of(offeringId: string, now: number, mode?: HealthMode): OfferingHealth | undefined;
  /** Changes whenever any circuit changes state: plans made before are stale. */
  readonly version: number;
  /** The earliest instant an open circuit half-opens (Infinity when none is open). */
  earliestReopen(): number;
}

/** For plans made without live data (the CLI, tests): every offering healthy and unmeasured. */
export const noHealth: HealthView = { of: () => undefined, version: 0, earliestReopen: () => Infinity };
