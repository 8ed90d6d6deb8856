/**
 * How big a drill run is. The short run is part of `npm test` and must stay well under a minute on a
 * shared 2-core machine; the long run (`npm run drills`, `DRILLS=long`) is the one whose output goes in
 * release notes. Drills read only these numbers, so one definition serves both.
 */
export interface DrillScale {
  readonly name: "short" | "long";
  /** Requests per fault drill. */
  readonly requests: number;
  /** Requests in flight at once (the load generator's bound). */
  readonly concurrency: number;
  /** How long the "provider down for a while" drill keeps it down. */
  readonly downMs: number;
  /** Fast-check cases per ingress endpoint (real HTTP requests). */
  readonly ingressCases: number;
  /** Fast-check cases per codec decoder (pure functions). */
  readonly decoderCases: number;
  /** Slow-loris sockets held open against the gateway. */
  readonly slowLorisSockets: number;
  /** Streams started and abandoned in the disconnect storm. */
  readonly stormStreams: number;
  /** Rounds of the memory soak (each round is `requests` requests). */
  readonly soakRounds: number;
}

const short: DrillScale = {
  name: "short",
  requests: 32,
  concurrency: 8,
  downMs: 1_000,
  ingressCases: 150,
  decoderCases: 400,
  slowLorisSockets: 50,
  stormStreams: 60,
  soakRounds: 3,
};

const long: DrillScale = {
  name: "long",
  requests: 1_500,
  concurrency: 32,
  downMs: 60_000,
  ingressCases: 6_000,
  decoderCases: 8_000,
  slowLorisSockets: 500,
  stormStreams: 2_000,
  soakRounds: 10,
};

/** `DRILLS=long` selects the long run; anything else (or nothing) the short one. */
export const scale: DrillScale = process.env["DRILLS"] === "long" ? long : short;

/** A vitest timeout that fits the scale: generous, because the machine is shared. */
export function drillTimeout(shortMs: number, longMs: number): number {
  return scale.name === "long" ? longMs : shortMs;
}
