import { GatewayError } from "../errors/gateway-error.js";
import {
  parseReportOptions,
  renderReport,
  reportKinds,
  runReport,
  type ReportFormat,
} from "../ledger/reports/index.js";
import { openStore } from "../store/index.js";
import { storeError, UsageError } from "./cli-errors.js";
import { defineCommand } from "./command.js";
import { loadConfiguration } from "./configuration.js";
import { configFlag, jsonFlag } from "./shared-flags.js";

export const reportCommand = defineCommand({
  name: "report",
  summary: "Cost reports from the ledger: spend, the provider scorecard, and what-if on every other cloud.",
  synopsis: `${reportKinds.join("|")} [options]`,
  details: `Reads the ledger of the store the configuration names (the same lookup as serve: with no
configuration file, the demo's ./data/demo.db), while a gateway serves on it or after it stopped.

  spend       cost, requests and tokens by tenant (default), key, model, provider, region or day
  providers   per provider (or offering): error rate, attempts, failovers, p50/p95 latency and TTFT, tokens/s
  whatif      each model's traffic re-priced on every offering that was eligible at each request's time:
              what each cloud would have cost, what it could not have served and why, and the premium paid
              for the preferred channel over the cheapest eligible one

Dates are YYYY-MM-DD (a --to date includes that whole day) or ISO-8601 instants. See docs/reports.md.`,
  flags: {
    config: configFlag,
    from: { type: "string", value: "DATE", description: "From this date or instant (inclusive)" },
    to: { type: "string", value: "DATE", description: "Until this date (inclusive) or instant (exclusive)" },
    tenant: { type: "string", value: "T", description: "Only this tenant's requests" },
    by: {
      type: "string",
      value: "G",
      description: "Group by: spend tenant|key|model|provider|region|day; providers provider|offering",
    },
    json: jsonFlag,
    csv: { type: "boolean", description: "Print CSV instead of a table" },
  },
  takesArguments: true,
  async run(values, positionals, context) {
    const kind = positionals[0];
    if (kind === undefined)
      throw new UsageError(
        `report: name a report (${reportKinds.join(", ")}); see "switchyard report --help"`,
      );
    if (positionals.length > 1) throw new UsageError(`report: unexpected argument "${positionals[1] ?? ""}"`);
    if (values.json && values.csv) throw new UsageError("report: --json and --csv: choose one");
    const format: ReportFormat = values.json ? "json" : values.csv ? "csv" : "text";
    const loaded = await loadConfiguration({
      configFlag: values.config,
      env: context.env,
      cwd: context.cwd,
      startDemoUpstreams: false,
      port: 4800,
      pacing: undefined,
    });
    const { config } = loaded;
    let parsed;
    try {
      parsed = parseReportOptions(kind, values, config);
    } catch (error) {
      if (error instanceof GatewayError) throw new UsageError(`report: ${error.message}`);
      throw error;
    }
    let store;
    try {
      store = await openStore(config.database);
    } catch (error) {
      throw storeError(error) ?? error;
    }
    try {
      const rows = store.ledger.rows({
        ...(parsed.options.from === undefined ? {} : { from: parsed.options.from }),
        ...(parsed.options.to === undefined ? {} : { to: parsed.options.to }),
        ...(parsed.options.tenant === undefined ? {} : { tenant: parsed.options.tenant }),
      });
      const result = await runReport(parsed.kind, rows, config, parsed.options);
      context.stdout(renderReport(result, format));
    } finally {
      await store.close();
      await loaded.close();
    }
    return 0;
  },
});
