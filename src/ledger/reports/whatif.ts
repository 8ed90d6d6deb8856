import { availabilityAt } from "../../catalog/agreements.js";
import type { GatewayConfig, OfferingConfig, PolicyConfig } from "../../config/types.js";
import type { LedgerRow } from "../ledger-row.js";
import { costOf } from "../../catalog/pricing.js";
import { eligibilityOf, ineligibilityReasons, type Eligibility, type Ineligibility } from "./eligibility.js";
import { selectRows, type LedgerRows } from "./ledger-rows.js";
import type { ReportOptions } from "./options.js";

/** The same traffic on one offering (or, summed per cloud, on the cheapest of its offerings). */
export interface WhatIfLine {
  /** `model@provider`, or the cloud's name in `clouds`. */
  readonly key: string;
  readonly cloud: string;
  /** Requests of this model in the period (all models, for a cloud). */
  readonly requests: number;
  /** Requests it actually served, and what they cost. */
  readonly served: number;
  readonly servedUsd: number;
  /** Requests it could have served, at each one's own time. */
  readonly eligible: number;
  /** Those requests re-priced here, and what they really cost wherever they went. */
  readonly costUsd: number;
  readonly paidUsd: number;
  /** `paidUsd - costUsd`: positive is what moving that traffic here would have saved. */
  readonly savingUsd: number;
  /** `savingUsd / paidUsd`; undefined when nothing was paid. */
  readonly savingShare: number | undefined;
  /** Share of the requests it could not have served, and why (request counts per reason). */
  readonly ineligibleShare: number;
  readonly ineligible: Readonly<Record<Ineligibility, number>>;
  /** The first reason met per kind, as the planner words it. */
  readonly examples: Readonly<Partial<Record<Ineligibility, string>>>;
}

export interface WhatIfModel {
  readonly model: string;
  readonly requests: number;
  readonly paidUsd: number;
  /** Each request on the cheapest offering eligible at its time. */
  readonly cheapestUsd: number;
  /** Requests served on the vendor's preferred channel (launch partner, preferential, exclusive)… */
  readonly preferredRequests: number;
  readonly preferredPaidUsd: number;
  /** …and what they cost beyond the cheapest offering eligible then: the price of preference. */
  readonly preferencePremiumUsd: number;
  readonly offerings: readonly WhatIfLine[];
}

export interface WhatIfReport {
  readonly kind: "whatif";
  readonly by: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly tenant: string | undefined;
  readonly requests: number;
  readonly paidUsd: number;
  readonly cheapestUsd: number;
  readonly preferencePremiumUsd: number;
  readonly models: readonly WhatIfModel[];
  /** Per cloud (`labels.cloud`, else the provider's kind), over every model: most saving first. */
  readonly clouds: readonly WhatIfLine[];
  /** Rows not re-priced: no tokens (failed early), no recorded cost, or a model no longer in the catalog. */
  readonly skipped: { readonly noUsage: number; readonly noCost: number; readonly unknownModel: number };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Line = Mutable<Omit<WhatIfLine, "ineligible" | "examples">> & {
  ineligible: Record<Ineligibility, number>;
  examples: Partial<Record<Ineligibility, string>>;
};

/**
 * The bargaining report: every request's real token counts re-priced on every offering of its model
 * that was eligible at that request's own time — agreements and windows then, the tenant's boundary,
 * capabilities — against what it really cost. Policies are today's (the configuration has no history
 * of them); agreements, windows and prices are read at each request's instant.
 */
export async function whatIfReport(
  rows: LedgerRows,
  config: Pick<GatewayConfig, "models" | "agreements" | "offerings" | "providers" | "tenants">,
  options: ReportOptions,
): Promise<WhatIfReport> {
  const byId = new Map(config.offerings.map((offering) => [offering.id, offering]));
  const offeringsOf = new Map<string, OfferingConfig[]>();
  for (const offering of config.offerings)
    offeringsOf.set(offering.model, [...(offeringsOf.get(offering.model) ?? []), offering]);
  const cloudOf = (offering: OfferingConfig): string => {
    const provider = config.providers.get(offering.provider);
    return provider?.labels["cloud"] ?? provider?.kind ?? offering.provider;
  };
  const clouds = [...new Set(config.offerings.map(cloudOf))];
  const models = new Map<string, Mutable<Omit<WhatIfModel, "offerings">> & { lines: Map<string, Line> }>();
  const cloudLines = new Map(clouds.map((cloud) => [cloud, emptyLine(cloud, cloud)]));
  const skipped = { noUsage: 0, noCost: 0, unknownModel: 0 };
  const defaults = config.tenants.get("default")?.policy;

  for await (const row of selectRows(rows, options)) {
    if (row.inputTokens + row.outputTokens === 0) {
      skipped.noUsage += 1;
      continue;
    }
    if (row.costUsd === null) {
      skipped.noCost += 1;
      continue;
    }
    const served = row.offering === null ? undefined : byId.get(row.offering);
    // A model fallback served another model than the one asked for: re-price what really ran.
    const modelId = served?.model ?? row.model;
    const policy: PolicyConfig | undefined = config.tenants.get(row.tenant ?? "default")?.policy ?? defaults;
    if (modelId === null || !config.models.has(modelId) || policy === undefined) {
      skipped.unknownModel += 1;
      continue;
    }
    const paid = row.costUsd;
    let model = models.get(modelId);
    if (model === undefined) {
      const lines = new Map<string, Line>();
      for (const offering of offeringsOf.get(modelId) ?? [])
        lines.set(offering.id, emptyLine(offering.id, cloudOf(offering)));
      model = {
        model: modelId,
        requests: 0,
        paidUsd: 0,
        cheapestUsd: 0,
        preferredRequests: 0,
        preferredPaidUsd: 0,
        preferencePremiumUsd: 0,
        lines,
      };
      models.set(modelId, model);
    }
    model.requests += 1;
    model.paidUsd += paid;

    const decisions = (offeringsOf.get(modelId) ?? []).map((offering) => ({
      offering,
      eligibility: eligibilityOf(offering, row, served, policy, config),
    }));
    let cheapest = paid;
    const cloudBest = new Map<string, { cost: number } | { why: Ineligibility; reason: string }>();
    for (const { offering, eligibility } of decisions) {
      const line = model.lines.get(offering.id);
      if (line === undefined) continue;
      const cost = eligibility.eligible ? costOf(row, eligibility.price) : undefined;
      if (cost !== undefined) cheapest = Math.min(cheapest, cost);
      record(line, row, offering.id, paid, eligibility, cost);
      const cloud = cloudOf(offering);
      const best = cloudBest.get(cloud);
      if (cost !== undefined && (best === undefined || !("cost" in best) || cost < best.cost))
        cloudBest.set(cloud, { cost });
      else if (!eligibility.eligible && best === undefined)
        cloudBest.set(cloud, { why: eligibility.why, reason: eligibility.reason });
    }
    model.cheapestUsd += cheapest;
    if (served !== undefined && availabilityAt(served, config, row.startedAt).preferred === true) {
      model.preferredRequests += 1;
      model.preferredPaidUsd += paid;
      model.preferencePremiumUsd += paid - cheapest;
    }
    for (const [cloud, line] of cloudLines) {
      const best = cloudBest.get(cloud);
      const eligibility: Eligibility | undefined =
        best === undefined
          ? { eligible: false, why: "not-offered", reason: `${cloud} does not offer ${modelId}` }
          : "cost" in best
            ? undefined
            : { eligible: false, why: best.why, reason: best.reason };
      const servedHere = served !== undefined && cloudOf(served) === cloud;
      line.requests += 1;
      if (servedHere) {
        line.served += 1;
        line.servedUsd += paid;
      }
      if (best !== undefined && "cost" in best) addEligible(line, paid, best.cost);
      else if (eligibility !== undefined && !eligibility.eligible) addIneligible(line, eligibility);
    }
  }

  const modelReports = [...models.values()].map(({ lines, ...model }) => ({
    ...model,
    offerings: [...lines.values()].map(finish),
  }));
  const sum = (pick: (model: WhatIfModel) => number): number =>
    modelReports.reduce((total, model) => total + pick(model), 0);
  return {
    kind: "whatif",
    by: options.by,
    from: options.from,
    to: options.to,
    tenant: options.tenant,
    requests: sum((model) => model.requests),
    paidUsd: sum((model) => model.paidUsd),
    cheapestUsd: sum((model) => model.cheapestUsd),
    preferencePremiumUsd: sum((model) => model.preferencePremiumUsd),
    models: modelReports.sort((a, b) => b.paidUsd - a.paidUsd || a.model.localeCompare(b.model)),
    clouds: [...cloudLines.values()]
      .filter((line) => line.requests > 0)
      .map(finish)
      .sort((a, b) => b.savingUsd - a.savingUsd || a.key.localeCompare(b.key)),
    skipped,
  };
}

function record(
  line: Line,
  row: LedgerRow,
  offering: string,
  paid: number,
  eligibility: Eligibility,
  cost: number | undefined,
): void {
  line.requests += 1;
  if (row.offering === offering) {
    line.served += 1;
    line.servedUsd += paid;
  }
  if (cost !== undefined) addEligible(line, paid, cost);
  else if (!eligibility.eligible) addIneligible(line, eligibility);
}

function addEligible(line: Line, paid: number, cost: number): void {
  line.eligible += 1;
  line.costUsd += cost;
  line.paidUsd += paid;
}

function addIneligible(line: Line, eligibility: Extract<Eligibility, { eligible: false }>): void {
  line.ineligible[eligibility.why] += 1;
  line.examples[eligibility.why] ??= eligibility.reason;
}

function emptyLine(key: string, cloud: string): Line {
  return {
    key,
    cloud,
    requests: 0,
    served: 0,
    servedUsd: 0,
    eligible: 0,
    costUsd: 0,
    paidUsd: 0,
    savingUsd: 0,
    savingShare: undefined,
    ineligibleShare: 0,
    ineligible: Object.fromEntries(ineligibilityReasons.map((reason) => [reason, 0])) as Record<
      Ineligibility,
      number
    >,
    examples: {},
  };
}

function finish(line: Line): WhatIfLine {
  const savingUsd = line.paidUsd - line.costUsd;
  return {
    ...line,
    savingUsd,
    savingShare: line.paidUsd === 0 ? undefined : savingUsd / line.paidUsd,
    ineligibleShare: line.requests === 0 ? 0 : (line.requests - line.eligible) / line.requests,
  };
}
