import type { Plan } from "./plan.js";

/** The plan as JSON, the same for `switchyard route --json` and `POST /admin/plan`. */
export interface PlanJson {
  readonly model: string;
  readonly at: string;
  readonly strategy: string;
  readonly candidates: readonly { provider: string; offering: string; reason: string }[];
  readonly excluded: readonly { provider: string; offering: string; reason: string }[];
}

/** `at`: the label the caller asked with (`2026-12-01`), else the plan's instant in ISO-8601. */
export function planJson(plan: Plan, at?: string): PlanJson {
  return {
    model: plan.model,
    at: at ?? new Date(plan.at).toISOString(),
    strategy: plan.strategy,
    candidates: plan.candidates.map((candidate) => ({
      provider: candidate.provider.id,
      offering: candidate.offering.id,
      reason: candidate.reason,
    })),
    excluded: plan.excluded.map((exclusion) => ({
      provider: exclusion.offering.provider,
      offering: exclusion.offering.id,
      reason: exclusion.reason,
    })),
  };
}

/** The plan for people: numbered candidates, then what was left out and why. */
export function formatPlan(json: PlanJson, tenant: string): string {
  const width =
    Math.max(0, ...[...json.candidates, ...json.excluded].map((item) => item.offering.length)) + 2;
  const lines = [`Plan for ${json.model} (tenant ${tenant}, strategy ${json.strategy}) at ${json.at}`, ""];
  lines.push(json.candidates.length === 0 ? "  no candidate" : "  candidates, in the order they are tried:");
  json.candidates.forEach((candidate, index) =>
    lines.push(`    ${index + 1}. ${candidate.offering.padEnd(width)}${candidate.reason}`),
  );
  if (json.excluded.length > 0) {
    lines.push("", "  excluded:");
    for (const exclusion of json.excluded)
      lines.push(`    -  ${exclusion.offering.padEnd(width)}${exclusion.reason}`);
  }
  return `${lines.join("\n")}\n`;
}
