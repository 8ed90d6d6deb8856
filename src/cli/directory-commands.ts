import { budgetWindow } from "../governance/budget-window.js";
import {
  DirectoryAdmin,
  DirectoryInputError,
  type KeyView,
  type TenantView,
} from "../governance/directory-admin.js";
import { openStore, type Store } from "../store/index.js";
import { storeError, UsageError } from "./cli-errors.js";
import { defineCommand, type CommandContext } from "./command.js";
import { loadConfiguration } from "./configuration.js";
import { configFlag, jsonFlag } from "./shared-flags.js";

/*
 * `switchyard keys …` and `switchyard tenants …`: the store's keys and tenants, through the same
 * configuration lookup as `serve` (so the same store as a running gateway, the demo's included). A
 * running gateway sees a new key at once and a revocation within `governance.refresh_ms`.
 */

const capFlags = {
  rpm: { type: "string", value: "N", description: "Requests per minute (token bucket); `off` removes it" },
  tpm: {
    type: "string",
    value: "N",
    description: "Tokens per minute, counted from the prompt; `off` removes it",
  },
  budget: {
    type: "string",
    value: "USD",
    description: "A budget in USD for --period (with --soft: warn only)",
  },
  period: { type: "string", value: "P", description: "The budget's period: day|week|month|lifetime (UTC)" },
  soft: { type: "boolean", description: "The budget answers with a warning header instead of refusing" },
} as const;

/** Where a field of the shared validation is set on the command line. */
const flagOf: Readonly<Record<string, string>> = {
  tenant: "--tenant",
  name: "--name",
  expires: "--expires",
  "limits.rpm": "--rpm",
  "limits.tpm": "--tpm",
  "budgets.0.usd": "--budget",
  "budgets.0.period": "--period",
};

export const keysCommand = defineCommand({
  name: "keys",
  summary: "Virtual keys in the store: create, list, show, rotate, revoke.",
  synopsis: "create|list|show|rotate|revoke [ID|PREFIX|NAME] [options]",
  details: `  create --tenant T [--name N] [--rpm N] [--tpm N] [--budget USD --period P [--soft]]
         [--expires YYYY-MM-DD] [--models a,b] [--providers a,b] [--regions eu,…] [--labels k=v,…] [--admin]
  list [--tenant T]          the configuration file's keys (read-only) and the store's
  show ID|PREFIX|NAME        the key, its limits, and its budgets' spend this period (from the ledger)
  rotate ID|PREFIX|NAME      a new secret for the same key; the old one stops
  revoke ID|PREFIX|NAME      the key stops (a running gateway: within governance.refresh_ms)

A key is printed once, when created or rotated; the store keeps only its SHA-256 and its prefix.`,
  flags: {
    config: configFlag,
    tenant: {
      type: "string",
      value: "T",
      description: "The key's tenant (create), or only this tenant's (list)",
    },
    name: {
      type: "string",
      value: "N",
      description: "A unique name (default: the tenant and a random suffix)",
    },
    ...capFlags,
    expires: { type: "string", value: "DATE", description: "Refused from this date (YYYY-MM-DD, UTC) on" },
    models: { type: "string", value: "LIST", description: "Only these models (comma-separated)" },
    providers: { type: "string", value: "LIST", description: "Only these providers, inside the tenant's" },
    regions: {
      type: "string",
      value: "LIST",
      description: "Only these regions or geographies, inside the tenant's",
    },
    labels: { type: "string", value: "K=V,…", description: "Labels for reports and logs" },
    admin: { type: "boolean", description: "May use the /admin endpoints" },
    json: jsonFlag,
  },
  takesArguments: true,
  async run(values, positionals, context) {
    const [action, reference, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`keys: unexpected argument "${extra}"`);
    const needsReference = action === "show" || action === "rotate" || action === "revoke";
    if (needsReference && reference === undefined)
      throw new UsageError(`keys ${action}: name the key by its id, prefix or name`);
    if (!needsReference && reference !== undefined)
      throw new UsageError(`keys ${action ?? ""}: unexpected argument "${reference}"`);
    return withDirectory(values.config, context, "keys", async (admin, store) => {
      switch (action) {
        case "create": {
          if (values.tenant === undefined) throw new UsageError("keys create: --tenant is required");
          const created = await admin.createKey({
            tenant: values.tenant,
            ...(values.name === undefined ? {} : { name: values.name }),
            admin: values.admin,
            ...listField("models", values.models),
            ...listField("providers", values.providers),
            ...listField("regions", values.regions),
            ...(values.labels === undefined ? {} : { labels: parseLabels(values.labels) }),
            limits: limitsFrom(values, {}),
            budgets: budgetsFrom(values, []),
            ...(values.expires === undefined ? {} : { expires: values.expires }),
          });
          context.stdout(
            values.json
              ? `${JSON.stringify(created, null, 2)}\n`
              : `created key ${created.id} "${created.name}" for tenant ${created.tenant}\n` +
                  `  key: ${created.key ?? ""}\n  (shown once: the store keeps only its hash)\n`,
          );
          return 0;
        }
        case "list": {
          const keys = await admin.listKeys({ tenant: values.tenant });
          context.stdout(values.json ? `${JSON.stringify(keys, null, 2)}\n` : keyTable(keys));
          return 0;
        }
        case "show": {
          const key = await admin.showKey(reference ?? "");
          const spend = await spendOf(admin, key, store, context.now());
          context.stdout(
            values.json ? `${JSON.stringify({ ...key, spend }, null, 2)}\n` : keyDetails(key, spend),
          );
          return 0;
        }
        case "rotate": {
          const rotated = await admin.rotateKey(reference ?? "");
          context.stdout(
            values.json
              ? `${JSON.stringify(rotated, null, 2)}\n`
              : `rotated key ${rotated.id} "${rotated.name}"\n  key: ${rotated.key ?? ""}\n  (the old key stops; this one is shown once)\n`,
          );
          return 0;
        }
        case "revoke": {
          const revoked = await admin.revokeKey(reference ?? "");
          context.stdout(
            values.json
              ? `${JSON.stringify(revoked, null, 2)}\n`
              : `revoked key ${revoked.id} "${revoked.name}" at ${revoked.revoked_at ?? ""}\n`,
          );
          return 0;
        }
        default:
          throw new UsageError(
            `keys: name an action (create, list, show, rotate, revoke); see "switchyard keys --help"`,
          );
      }
    });
  },
});

export const tenantsCommand = defineCommand({
  name: "tenants",
  summary: "Tenants in the store: create, list, show, update.",
  synopsis: "create|list|show|update [ID] [options]",
  details: `  create ID [--strategy S] [--allow-regions eu,…] [--allow-providers a,b] [--rpm N] [--tpm N]
            [--budget USD --period P [--soft]] [--policy JSON]
  list                 the configuration file's tenants (read-only) and the store's
  show ID
  update ID [the same options]   changes only what is given (--budget replaces that period's budget;
                                 --budget off --period P removes it; --rpm off removes the limit)

--policy takes the configuration file's tenant policy as JSON (see docs/configuration.md).`,
  flags: {
    config: configFlag,
    strategy: {
      type: "string",
      value: "S",
      description: "preferred|cheapest|fastest|balanced|weighted|pinned",
    },
    "allow-regions": {
      type: "string",
      value: "LIST",
      description: "The tenant's boundary: only these regions",
    },
    "allow-providers": {
      type: "string",
      value: "LIST",
      description: "The tenant's boundary: only these providers",
    },
    policy: { type: "string", value: "JSON", description: "The whole policy, as in a configuration file" },
    ...capFlags,
    json: jsonFlag,
  },
  takesArguments: true,
  async run(values, positionals, context) {
    const [action, id, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`tenants: unexpected argument "${extra}"`);
    const needsId = action === "create" || action === "show" || action === "update";
    if (needsId && id === undefined) throw new UsageError(`tenants ${action}: name the tenant`);
    if (!needsId && id !== undefined)
      throw new UsageError(`tenants ${action ?? ""}: unexpected argument "${id}"`);
    return withDirectory(values.config, context, "tenants", async (admin) => {
      const print = (tenant: TenantView): void =>
        context.stdout(values.json ? `${JSON.stringify(tenant, null, 2)}\n` : tenantDetails(tenant));
      switch (action) {
        case "create": {
          print(
            await admin.createTenant({
              id,
              ...policyPatch(values, undefined),
              limits: limitsFrom(values, {}),
              budgets: budgetsFrom(values, []),
            }),
          );
          return 0;
        }
        case "list": {
          const tenants = await admin.listTenants();
          context.stdout(values.json ? `${JSON.stringify(tenants, null, 2)}\n` : tenantTable(tenants));
          return 0;
        }
        case "show":
          print(await admin.showTenant(id ?? ""));
          return 0;
        case "update": {
          const current = await admin.showTenant(id ?? "");
          const patch: Record<string, unknown> = { ...policyPatch(values, current.policy) };
          if (values.rpm !== undefined || values.tpm !== undefined)
            patch["limits"] = limitsFrom(values, {
              ...(current.limits.rpm === null ? {} : { rpm: current.limits.rpm }),
              ...(current.limits.tpm === null ? {} : { tpm: current.limits.tpm }),
            });
          if (values.budget !== undefined || values.period !== undefined)
            patch["budgets"] = budgetsFrom(values, current.budgets);
          if (Object.keys(patch).length === 0)
            throw new UsageError("tenants update: nothing to change (give --strategy, --rpm, --budget…)");
          print(await admin.updateTenant(id ?? "", patch));
          return 0;
        }
        default:
          throw new UsageError(
            `tenants: name an action (create, list, show, update); see "switchyard tenants --help"`,
          );
      }
    });
  },
});

/** Opens the store of the configuration `serve` would use, runs the action, and maps bad input to exit 2. */
async function withDirectory(
  configFlagValue: string | undefined,
  context: CommandContext,
  command: string,
  action: (admin: DirectoryAdmin, store: Store) => Promise<number>,
): Promise<number> {
  const loaded = await loadConfiguration({
    configFlag: configFlagValue,
    env: context.env,
    cwd: context.cwd,
    startDemoUpstreams: false,
    port: 4800,
    pacing: undefined,
  });
  let store: Store;
  try {
    store = await openStore(loaded.config.database);
  } catch (error) {
    await loaded.close();
    throw storeError(error) ?? error;
  }
  try {
    return await action(new DirectoryAdmin({ config: loaded.config, store: store.directory }), store);
  } catch (error) {
    if (error instanceof DirectoryInputError) {
      const flag = flagOf[error.param];
      const message = error.message.slice(error.param.length + 2);
      throw new UsageError(`${command}: ${flag ?? error.param}: ${message}`);
    }
    throw error;
  } finally {
    await store.close();
    await loaded.close();
  }
}

function listField(name: string, value: string | undefined): Record<string, string[]> {
  return value === undefined ? {} : { [name]: splitList(value) };
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function parseLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of splitList(value)) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--labels: "${pair}" is not key=value`);
    labels[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return labels;
}

/** `--rpm`/`--tpm` over the current limits: a number sets, `off` removes. */
function limitsFrom(
  values: { readonly rpm: string | undefined; readonly tpm: string | undefined },
  current: Record<string, number>,
): Record<string, number> {
  const limits = { ...current };
  for (const name of ["rpm", "tpm"] as const) {
    const text = values[name];
    if (text === undefined) continue;
    if (text === "off") {
      delete limits[name];
      continue;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0)
      throw new UsageError(`--${name}: "${text}" is not a positive whole number (or off)`);
    limits[name] = value;
  }
  return limits;
}

/** `--budget`/`--period`/`--soft` over the current budgets: that period's budget is set, or removed with `off`. */
function budgetsFrom(
  values: {
    readonly budget: string | undefined;
    readonly period: string | undefined;
    readonly soft: boolean;
  },
  current: readonly { readonly usd: number; readonly period: string; readonly mode: string }[],
): { usd: number; period: string; mode: string }[] {
  if (values.budget === undefined && values.period === undefined) {
    if (values.soft) throw new UsageError("--soft needs --budget and --period");
    return current.map((budget) => ({ ...budget }));
  }
  if (values.budget === undefined) throw new UsageError("--period needs --budget USD");
  if (values.period === undefined) throw new UsageError("--budget needs --period day|week|month|lifetime");
  const others = current.filter((budget) => budget.period !== values.period).map((budget) => ({ ...budget }));
  if (values.budget === "off") return others;
  const usd = Number(values.budget);
  if (!Number.isFinite(usd) || usd <= 0 || values.budget.trim() === "")
    throw new UsageError(`--budget: "${values.budget}" is not a positive amount of USD`);
  return [{ usd, period: values.period, mode: values.soft ? "soft" : "hard" }, ...others];
}

function policyPatch(
  values: {
    readonly strategy: string | undefined;
    readonly "allow-regions": string | undefined;
    readonly "allow-providers": string | undefined;
    readonly policy: string | undefined;
  },
  current: Readonly<Record<string, unknown>> | undefined,
): { policy?: Record<string, unknown> } {
  let policy: Record<string, unknown> | undefined;
  if (values.policy !== undefined) {
    try {
      policy = JSON.parse(values.policy) as Record<string, unknown>;
    } catch {
      throw new UsageError("--policy: not valid JSON");
    }
  }
  const flagsGiven =
    values.strategy !== undefined ||
    values["allow-regions"] !== undefined ||
    values["allow-providers"] !== undefined;
  if (!flagsGiven) return policy === undefined ? {} : { policy };
  policy = { ...(policy ?? current ?? {}) };
  if (values.strategy !== undefined) policy["strategy"] = values.strategy;
  if (values["allow-regions"] !== undefined)
    policy["regions"] = {
      ...(policy["regions"] as object | undefined),
      allow: splitList(values["allow-regions"]),
    };
  if (values["allow-providers"] !== undefined)
    policy["providers"] = {
      ...(policy["providers"] as object | undefined),
      allow: splitList(values["allow-providers"]),
    };
  return { policy };
}

interface SpendLine {
  readonly scope: string;
  readonly period: string;
  readonly mode: string;
  readonly usd: number;
  readonly window: string;
  readonly spent_usd: number;
  readonly resets_at: string | null;
}

/** Each budget of the key and of its tenant: the ledger's spend in the current window. */
async function spendOf(admin: DirectoryAdmin, key: KeyView, store: Store, now: number): Promise<SpendLine[]> {
  const tenant = await admin.showTenant(key.tenant);
  const entries = [
    ...key.budgets.map((budget) => ({ scope: `key ${key.name}`, filter: { keyId: key.id }, budget })),
    ...tenant.budgets.map((budget) => ({
      scope: `tenant ${key.tenant}`,
      filter: { tenant: key.tenant },
      budget,
    })),
  ];
  return Promise.all(
    entries.map(async ({ scope, filter, budget }) => {
      const window = budgetWindow(budget.period, now);
      const spent = await store.ledger.spendUsd({
        ...filter,
        ...(window.start === undefined ? {} : { from: window.start }),
      });
      return {
        scope,
        period: budget.period,
        mode: budget.mode,
        usd: budget.usd,
        window: window.label,
        spent_usd: spent,
        resets_at: window.end === undefined ? null : new Date(window.end).toISOString(),
      };
    }),
  );
}

function keyTable(keys: readonly KeyView[]): string {
  const rows = keys.map((key) => [
    key.id,
    key.name,
    key.prefix ?? "-",
    key.tenant,
    key.status,
    key.limits.rpm === null ? "-" : String(key.limits.rpm),
    key.limits.tpm === null ? "-" : String(key.limits.tpm),
    key.budgets
      .map((budget) => `$${budget.usd}/${budget.period}${budget.mode === "soft" ? " soft" : ""}`)
      .join(" ") || "-",
    key.source,
  ]);
  return table(["id", "name", "prefix", "tenant", "status", "rpm", "tpm", "budgets", "source"], rows);
}

function tenantTable(tenants: readonly TenantView[]): string {
  const rows = tenants.map((tenant) => [
    tenant.id,
    typeof tenant.policy["strategy"] === "string" ? tenant.policy["strategy"] : "preferred",
    tenant.limits.rpm === null ? "-" : String(tenant.limits.rpm),
    tenant.limits.tpm === null ? "-" : String(tenant.limits.tpm),
    tenant.budgets
      .map((budget) => `$${budget.usd}/${budget.period}${budget.mode === "soft" ? " soft" : ""}`)
      .join(" ") || "-",
    tenant.source,
  ]);
  return table(["id", "strategy", "rpm", "tpm", "budgets", "source"], rows);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

function keyDetails(key: KeyView, spend: readonly SpendLine[]): string {
  const lines = [
    `key ${key.id} "${key.name}" (${key.status}, ${key.source})`,
    `  tenant:    ${key.tenant}`,
    `  prefix:    ${key.prefix ?? "-"}`,
    `  limits:    rpm ${key.limits.rpm ?? "-"}, tpm ${key.limits.tpm ?? "-"}`,
    ...(key.models === null ? [] : [`  models:    ${key.models.join(", ")}`]),
    ...(key.providers === null ? [] : [`  providers: ${key.providers.join(", ")}`]),
    ...(key.regions === null ? [] : [`  regions:   ${key.regions.join(", ")}`]),
    ...(key.expires_at === null ? [] : [`  expires:   ${key.expires_at}`]),
    ...(key.revoked_at === null ? [] : [`  revoked:   ${key.revoked_at}`]),
    ...spend.map(
      (line) =>
        `  budget:    ${line.scope} $${line.usd}/${line.period} ${line.mode}: $${line.spent_usd.toFixed(6)} spent in ${line.window}` +
        (line.resets_at === null ? "" : `, resets ${line.resets_at}`),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

function tenantDetails(tenant: TenantView): string {
  return (
    `tenant ${tenant.id} (${tenant.source})\n` +
    `  policy:  ${JSON.stringify(tenant.policy)}\n` +
    `  limits:  rpm ${tenant.limits.rpm ?? "-"}, tpm ${tenant.limits.tpm ?? "-"}\n` +
    `  budgets: ${tenant.budgets.map((budget) => `$${budget.usd}/${budget.period} ${budget.mode}`).join(", ") || "-"}\n`
  );
}
