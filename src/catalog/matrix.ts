import type { GatewayConfig } from "../config/types.js";
import { periodAt, timelineOf, type AvailabilityPeriod } from "./agreements.js";
import { formatInstant } from "./time.js";

/** `switchyard catalog --json`: the model × provider availability matrix at an instant. */
export interface CatalogJson {
  readonly at: string;
  readonly models: readonly {
    model: string;
    vendor: string;
    providers: readonly { provider: string; available: boolean; since: string | null; reason: string }[];
  }[];
}

/**
 * Each model's offerings at `at`: available or not, why, and `since` when that has been so
 * (null when it always has been, as far as the catalog knows).
 */
export function catalogAt(config: GatewayConfig, at: number, label?: string): CatalogJson {
  return {
    at: label ?? new Date(at).toISOString(),
    models: [...config.models.values()].map((model) => ({
      model: model.id,
      vendor: model.vendor,
      providers: config.offerings
        .filter((offering) => offering.model === model.id)
        .map((offering) => {
          const period = periodAt(offering, config, at);
          return {
            provider: offering.provider,
            available: period.available,
            since: period.from === undefined ? null : formatInstant(period.from),
            reason: period.reason,
          };
        }),
    })),
  };
}

/** The matrix and a timeline per model, for people. */
export function formatCatalog(config: GatewayConfig, at: number, label: string): string {
  const json = catalogAt(config, at, label);
  const providers = [...new Set(config.offerings.map((offering) => offering.provider))];
  const modelWidth = Math.max(5, ...json.models.map((model) => model.model.length)) + 2;
  const columns = providers.map((provider) => Math.max(provider.length, 3) + 2);
  const lines = [
    `Availability at ${label} (yes = may serve now, no = offered but not now, blank = not offered)`,
    "",
  ];
  lines.push("model".padEnd(modelWidth) + providers.map((p, i) => p.padEnd(columns[i] ?? 0)).join(""));
  for (const model of json.models) {
    const cells = providers.map((provider, i) => {
      const cell = model.providers.find((item) => item.provider === provider);
      const mark = cell === undefined ? "" : cell.available ? "yes" : "no";
      return mark.padEnd(columns[i] ?? 0);
    });
    lines.push(model.model.padEnd(modelWidth) + cells.join(""));
  }
  lines.push("", "Timelines:");
  for (const model of config.models.values()) {
    lines.push(
      "",
      `  ${model.id} (${model.vendor}${model.releaseDate === undefined ? "" : `, released ${model.releaseDate}`})`,
    );
    for (const offering of config.offerings.filter((item) => item.model === model.id)) {
      const periods = timelineOf(offering, config);
      lines.push(`    ${offering.provider}`);
      for (const period of periods) lines.push(`      ${formatPeriod(period, at)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function formatPeriod(period: AvailabilityPeriod, at: number): string {
  const from = period.from === undefined ? "…" : formatInstant(period.from);
  const until = period.until === undefined ? "…" : formatInstant(period.until);
  const current = (period.from ?? -Infinity) <= at && at < (period.until ?? Infinity) ? "  ◀ at" : "";
  const state = period.available ? "available" : "not available";
  return `${from.padEnd(11)} → ${until.padEnd(11)} ${state}: ${period.reason}${current}`;
}
