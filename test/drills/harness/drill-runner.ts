import { EU_REGIONS, euKey, type DrillFleet } from "./drill-fleet.js";
import { runLoad, type DrillRequest, type RequestResult } from "./load.js";
import { scale } from "./scale.js";

export interface DrillSpec {
  readonly name: string;
  /** Faults to set before the load starts. */
  readonly setup?: (fleet: DrillFleet) => Promise<void>;
  /** The load: the i-th request, or undefined when done. */
  readonly load: (index: number) => DrillRequest | undefined;
  /** Runs beside the load (a provider going down and coming back, hostile clients…); the load stops when it ends if `stopWithDuring`. */
  readonly during?: (fleet: DrillFleet) => Promise<void>;
  readonly stopWithDuring?: boolean;
  /**
   * Whether a request had to succeed: true while an eligible offering of its model stayed healthy.
   * Default: every request.
   */
  readonly mustSucceed?: (result: RequestResult) => boolean;
  readonly concurrency?: number;
}

export interface MemorySample {
  readonly rssMb: number;
  readonly heapMb: number;
}

/** What one drill measured; its targets are checked by the test that ran it. */
export interface DrillReport {
  readonly name: string;
  readonly sent: number;
  /** Client-visible failures of requests that had to succeed, each as the client saw it. */
  readonly failures: readonly string[];
  /** Client-visible failures that were allowed (no healthy eligible offering was left). */
  readonly excused: number;
  /** Answers served by another provider than the one a healthy gateway would have chosen first. */
  readonly failovers: number;
  /** Answers that took more than one attempt. */
  readonly retried: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly breakers: Record<string, number>;
  /** EU-only tenant requests answered from outside the EU (must stay empty). */
  readonly residencyViolations: readonly string[];
  /** Status ≥ 500 other than 502/503/504 from an exhausted plan: a crash or a bug. */
  readonly internalErrors: readonly string[];
  readonly memoryBefore: MemorySample;
  readonly memoryAfter: MemorySample;
  readonly durationMs: number;
  readonly results: readonly RequestResult[];
}

export function memory(): MemorySample {
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 };
}

/** Runs one drill on a fleet: resets it, sets the faults, drives the load and collects the metrics. */
export async function runDrill(fleet: DrillFleet, spec: DrillSpec): Promise<DrillReport> {
  await fleet.reset();
  const firstChoice = new Map<string, string | undefined>();
  const first = async (result: RequestResult): Promise<string | undefined> => {
    const tenant = result.request.key === euKey ? "eu-only" : "demo";
    const key = `${tenant}/${result.request.model}`;
    if (!firstChoice.has(key))
      firstChoice.set(key, (await fleet.candidates(result.request.model, tenant))[0]);
    return firstChoice.get(key);
  };
  // The healthy plan's first choices, asked before any fault is set.
  const models = new Set<string>();
  for (let index = 0; index < 64; index++) {
    const request = spec.load(index);
    if (request === undefined) break;
    models.add(`${request.key === euKey ? "eu-only" : "demo"}/${request.model}`);
  }
  for (const entry of models) {
    const [tenant = "demo", model = ""] = entry.split("/");
    firstChoice.set(entry, (await fleet.candidates(model, tenant))[0]);
  }
  await spec.setup?.(fleet);
  const memoryBefore = memory();
  const started = performance.now();
  let duringDone = false;
  const during = spec.during?.(fleet).finally(() => (duringDone = true));
  const stop = spec.stopWithDuring === true ? () => duringDone : undefined;
  const results = await runLoad(fleet.url, spec.load, {
    concurrency: spec.concurrency ?? scale.concurrency,
    ...(stop === undefined ? {} : { stop }),
  });
  await during;
  const durationMs = performance.now() - started;
  const memoryAfter = memory();

  const mustSucceed = spec.mustSucceed ?? (() => true);
  const failures: string[] = [];
  let excused = 0;
  let failovers = 0;
  const residencyViolations: string[] = [];
  const internalErrors: string[] = [];
  for (const result of results) {
    const label = `${result.request.ingress} ${result.request.model}${result.request.stream ? " stream" : ""}`;
    if (!result.ok) {
      if (mustSucceed(result)) failures.push(`${label}: ${result.failure ?? "?"}`);
      else excused += 1;
    }
    if (result.status >= 500 && ![502, 503, 504].includes(result.status))
      internalErrors.push(`${label}: ${result.failure ?? "?"}`);
    if (result.status === 0) internalErrors.push(`${label}: ${result.failure ?? "?"}`);
    if (result.provider !== undefined && result.provider !== (await first(result))) failovers += 1;
    if (result.request.key === euKey && result.provider !== undefined) {
      const region = fleet.regions.get(result.provider) ?? "";
      if (!EU_REGIONS.has(region))
        residencyViolations.push(`${label}: served by ${result.provider} (${region})`);
    }
  }
  const latencies = results.map((result) => result.latencyMs).sort((a, b) => a - b);
  return {
    name: spec.name,
    sent: results.length,
    failures,
    excused,
    failovers,
    retried: results.filter((result) => result.attempts > 1).length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    breakers: fleet.breakers.summary(),
    residencyViolations,
    internalErrors,
    memoryBefore,
    memoryAfter,
    durationMs,
    results,
  };
}

/** The nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
