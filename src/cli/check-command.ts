import { availabilityAt, inForce } from "../catalog/agreements.js";
import { formatInstant } from "../catalog/time.js";
import type { AgreementConfig, GatewayConfig } from "../config/types.js";
import { defineCommand } from "./command.js";
import { loadConfiguration } from "./configuration.js";
import { instantOption } from "./explain-commands.js";
import { atFlag, configFlag } from "./shared-flags.js";

export const checkCommand = defineCommand({
  name: "check",
  summary:
    "Validate a configuration and print what it would serve: providers, models, offerings, agreements.",
  details: `Reads the configuration as serve does (the same lookup, the same environment variables) and
exits 3 listing every problem, or 0 printing what would be served at the date (today by default).`,
  flags: { config: configFlag, at: atFlag },
  async run(values, _positionals, context) {
    const loaded = await loadConfiguration({
      configFlag: values.config,
      env: context.env,
      cwd: context.cwd,
      startDemoUpstreams: false,
      port: 4800,
      pacing: undefined,
    });
    const at = instantOption(values.at, context.now());
    context.stdout(describeConfiguration(loaded.config, at, values.at ?? formatInstant(at)));
    await loaded.close();
    return 0;
  },
});

/** What a valid configuration would serve at `at`, for people; the demo's placeholder URLs are not shown. */
export function describeConfiguration(config: GatewayConfig, at: number, label: string): string {
  const demo = config.source === "demo";
  const lines: string[] = [
    demo
      ? "No configuration file found (--config, $SWITCHYARD_CONFIG, ./switchyard.yaml): serve would run the built-in demo with emulated clouds."
      : `Configuration ${config.source} is valid.`,
    `At ${label} it would serve on http://${config.server.host}:${config.server.port} with ${plural(config.keys.length, "key")} for tenants ${[...config.tenants.keys()].join(", ")}.`,
  ];

  lines.push("", `Providers (${config.providers.size}):`);
  lines.push(
    ...table(
      [...config.providers.values()].map((provider) => [
        provider.id,
        provider.kind,
        provider.region ?? "(no region)",
        demo ? "(emulated)" : provider.baseUrl,
      ]),
    ),
  );

  lines.push("", `Models (${config.models.size}):`);
  lines.push(
    ...table(
      [...config.models.values()].map((model) => {
        const offerings = config.offerings.filter((offering) => offering.model === model.id);
        const available = offerings.filter((offering) => availabilityAt(offering, config, at).available);
        return [
          model.id,
          model.vendor,
          [...model.capabilities].join(", "),
          `${plural(offerings.length, "offering")}, ${available.length} available`,
        ];
      }),
    ),
  );

  lines.push("", `Offerings (${config.offerings.length}) at ${label}:`);
  lines.push(
    ...table(
      config.offerings.map((offering) => {
        const availability = availabilityAt(offering, config, at);
        return [
          offering.id,
          offering.nativeModel,
          availability.available ? "available" : "not available",
          availability.reason === "available" ? "" : availability.reason,
        ];
      }),
    ),
  );

  const agreements = config.agreements.filter((agreement) => inForce(agreement, at));
  lines.push("", `Agreements in force at ${label} (${agreements.length} of ${config.agreements.length}):`);
  lines.push(...table(agreements.map(describeAgreement)));

  const warnings = [
    ...[...config.models.keys()]
      .filter((model) => !config.offerings.some((offering) => offering.model === model))
      .map((model) => `models.${model}: no offering serves it`),
    ...[...config.providers.keys()]
      .filter((provider) => !config.offerings.some((offering) => offering.provider === provider))
      .map((provider) => `providers.${provider}: no offering uses it`),
  ];
  if (warnings.length > 0) lines.push("", "Warnings:", ...warnings.map((warning) => `  ${warning}`));
  return `${lines.join("\n")}\n`;
}

function describeAgreement(agreement: AgreementConfig): string[] {
  const terms =
    agreement.terms === "launch-partner" && agreement.window !== undefined
      ? `launch-partner (window ${agreement.window.text})`
      : agreement.terms;
  const from = agreement.effectiveFrom === undefined ? "" : `from ${formatInstant(agreement.effectiveFrom)}`;
  const until =
    agreement.effectiveUntil === undefined ? "" : `until ${formatInstant(agreement.effectiveUntil)}`;
  return [
    agreement.vendor,
    [...agreement.channel].join(", "),
    terms,
    [from, until].filter(Boolean).join(" "),
  ];
}

/** Rows of cells, each column padded to its widest cell; `(none)` for no rows. */
function table(rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ["  (none)"];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map(
    (row) =>
      `  ${row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 2)))
        .join("")
        .trimEnd()}`,
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
