import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { geographyOf } from "../catalog/regions.js";
import { expirySchema, limitsSchema, tenantSchema } from "../config/schema.js";
import type { BudgetRule, GatewayConfig, KeyConfig, TenantConfig } from "../config/types.js";
import {
  DuplicateError,
  type DirectoryStore,
  type KeyRecord,
  type TenantRecord,
} from "./directory-records.js";
import { tenantFromRecord } from "./directory.js";
import { buildTenant } from "../config/load.js";

/*
 * What `switchyard keys|tenants …` and `/admin/keys|tenants` do, written once: validation, the
 * never-widen rules, key generation and the store writes. Both front ends map their input onto
 * these JSON shapes (the configuration file's spelling) and their errors onto their own form.
 */

/** Bad input, naming the field at fault: a 400 at the admin API, exit 2 at the CLI. */
export class DirectoryInputError extends Error {
  override readonly name = "DirectoryInputError";
  constructor(
    readonly param: string,
    message: string,
    /** `not_found` for an unknown id (404 at the admin API), `read_only` for a configuration file entry. */
    readonly kind: "invalid" | "not_found" | "read_only" | "duplicate" = "invalid",
  ) {
    super(`${param}: ${message}`);
  }
}

const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1-64 letters, digits, '.', '_' or '-'");

const keyInputSchema = z.strictObject({
  tenant: z.string().min(1),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, "must be 1-64 letters, digits, '.', '_', '@' or '-'")
    .optional(),
  admin: z.boolean().default(false),
  models: z.array(z.string().min(1)).min(1).optional(),
  providers: z.array(z.string().min(1)).min(1).optional(),
  regions: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lower-case region or geography name"))
    .min(1)
    .optional(),
  labels: z.record(z.string().min(1), z.string()).default({}),
  limits: limitsSchema.prefault({}),
  budgets: tenantSchema.shape.budgets,
  expires: expirySchema.optional(),
});

export type KeyInput = z.input<typeof keyInputSchema>;

const tenantInputSchema = tenantSchema.extend({ id: tenantId });
export type TenantInput = z.input<typeof tenantInputSchema>;

/** A tenant's changeable sections; each one given replaces the stored one. */
const tenantPatchSchema = tenantSchema.partial().strict();
export type TenantPatch = z.input<typeof tenantPatchSchema>;

/** A key as the CLI and the admin API show it; `key` only right after it was created or rotated. */
export interface KeyView {
  readonly key?: string;
  readonly id: string;
  readonly name: string;
  readonly prefix: string | null;
  readonly tenant: string;
  readonly admin: boolean;
  readonly models: readonly string[] | null;
  readonly providers: readonly string[] | null;
  readonly regions: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly limits: { readonly rpm: number | null; readonly tpm: number | null };
  readonly budgets: readonly BudgetRule[];
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly created_at: string | null;
  readonly status: "active" | "revoked" | "expired";
  readonly source: "file" | "store";
}

export interface TenantView {
  readonly id: string;
  readonly policy: Readonly<Record<string, unknown>>;
  readonly limits: { readonly rpm: number | null; readonly tpm: number | null };
  readonly budgets: readonly BudgetRule[];
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly source: "file" | "store";
}

export interface DirectoryAdminOptions {
  readonly config: GatewayConfig;
  readonly store: DirectoryStore;
  readonly clock?: () => number;
}

export class DirectoryAdmin {
  readonly #config: GatewayConfig;
  readonly #store: DirectoryStore;
  readonly #clock: () => number;

  constructor(options: DirectoryAdminOptions) {
    this.#config = options.config;
    this.#store = options.store;
    this.#clock = options.clock ?? Date.now;
  }

  async createKey(input: unknown): Promise<KeyView> {
    const parsed = parse(keyInputSchema, input);
    const tenant = await this.#tenant(parsed.tenant, "tenant");
    for (const [index, model] of (parsed.models ?? []).entries())
      if (!this.#config.models.has(model))
        throw new DirectoryInputError(`models[${index}]`, `unknown model "${model}"`);
    for (const [index, provider] of (parsed.providers ?? []).entries()) {
      if (!this.#config.providers.has(provider))
        throw new DirectoryInputError(`providers[${index}]`, `unknown provider "${provider}"`);
      const policy = tenant.policy;
      if (
        policy.denyProviders.has(provider) ||
        (policy.allowProviders !== undefined && !policy.allowProviders.has(provider))
      )
        throw new DirectoryInputError(
          `providers[${index}]`,
          `provider "${provider}" is outside what tenant "${tenant.id}" allows (a key can only narrow its tenant)`,
        );
    }
    for (const [index, region] of (parsed.regions ?? []).entries()) {
      const allowed = tenant.policy.allowRegions;
      if (allowed !== undefined && !allowed.includes(region) && !allowed.includes(geographyOf(region) ?? ""))
        throw new DirectoryInputError(
          `regions[${index}]`,
          `region "${region}" is outside tenant "${tenant.id}"'s regions (${allowed.join(", ")}; a key can only narrow its tenant)`,
        );
    }
    const now = this.#clock();
    const expiresAt = parsed.expires === undefined ? null : Date.parse(parsed.expires);
    if (expiresAt !== null && expiresAt <= now)
      throw new DirectoryInputError("expires", "must be in the future");
    const secret = newSecret();
    const id = `key_${randomBytes(9).toString("base64url").replaceAll(/[-_]/g, "x")}`;
    const name = parsed.name ?? `${parsed.tenant}-${id.slice(4, 10)}`;
    if (this.#config.keys.some((key) => key.name === name))
      throw new DirectoryInputError(
        "name",
        `a key in the configuration file is named "${name}"`,
        "duplicate",
      );
    try {
      const record = await this.#store.insertKey(
        {
          id,
          name,
          tenant: parsed.tenant,
          sha256: hashSecret(secret),
          prefix: secret.slice(0, PREFIX_LENGTH),
          admin: parsed.admin,
          models: parsed.models ?? null,
          providers: parsed.providers ?? null,
          regions: parsed.regions ?? null,
          labels: parsed.labels,
          limits: withoutUndefined(parsed.limits),
          budgets: parsed.budgets,
          expiresAt,
          revokedAt: null,
        },
        now,
      );
      return { key: secret, ...keyView(record, now) };
    } catch (error) {
      if (error instanceof DuplicateError && error.field === "name")
        throw new DirectoryInputError("name", `a live key is already named "${name}"`, "duplicate");
      throw error;
    }
  }

  async listKeys(filter: { tenant?: string | undefined } = {}): Promise<KeyView[]> {
    const now = this.#clock();
    const fileKeys = this.#config.keys
      .filter((key) => filter.tenant === undefined || key.tenant === filter.tenant)
      .map((key) => fileKeyView(key, now));
    const stored = (await this.#store.keys(filter)).map((record) => keyView(record, now));
    return [...fileKeys, ...stored];
  }

  /** A key by id, visible prefix or live name; the configuration file's keys by name. */
  async showKey(reference: string): Promise<KeyView> {
    const now = this.#clock();
    const fileKey = this.#config.keys.find((key) => key.name === reference || key.id === reference);
    if (fileKey !== undefined) return fileKeyView(fileKey, now);
    return keyView(await this.#storedKey(reference), now);
  }

  /** A new secret for the same key (id, limits, budgets and spend stay); the old secret stops at once. */
  async rotateKey(reference: string): Promise<KeyView> {
    const record = await this.#writableKey(reference);
    if (record.revokedAt !== null)
      throw new DirectoryInputError("key", `key ${record.id} is revoked`, "invalid");
    const secret = newSecret();
    const now = this.#clock();
    const updated = await this.#store.updateKey(
      record.id,
      { sha256: hashSecret(secret), prefix: secret.slice(0, PREFIX_LENGTH) },
      now,
    );
    if (updated === undefined) throw notFound("key", reference);
    return { key: secret, ...keyView(updated, now) };
  }

  async revokeKey(reference: string): Promise<KeyView> {
    const record = await this.#writableKey(reference);
    const now = this.#clock();
    if (record.revokedAt !== null) return keyView(record, now);
    const updated = await this.#store.updateKey(record.id, { revokedAt: now }, now);
    if (updated === undefined) throw notFound("key", reference);
    return keyView(updated, now);
  }

  async createTenant(input: unknown): Promise<TenantView> {
    const { id, ...body } = parse(tenantInputSchema, input);
    if (this.#config.tenants.has(id))
      throw new DirectoryInputError("id", `tenant "${id}" is in the configuration file`, "duplicate");
    const raw = stripId(input);
    this.#check(id, raw);
    try {
      const record = await this.#store.insertTenant({ id, body: raw }, this.#clock());
      return tenantView(record, body);
    } catch (error) {
      if (error instanceof DuplicateError)
        throw new DirectoryInputError("id", `tenant "${id}" already exists`, "duplicate");
      throw error;
    }
  }

  async listTenants(): Promise<TenantView[]> {
    const fileTenants = [...this.#config.tenants.values()].map(fileTenantView);
    const stored = (await this.#store.tenants()).map((record) =>
      tenantView(record, tenantSchema.parse(record.body)),
    );
    return [...fileTenants, ...stored];
  }

  async showTenant(id: string): Promise<TenantView> {
    const file = this.#config.tenants.get(id);
    if (file !== undefined) return fileTenantView(file);
    const record = await this.#store.tenant(id);
    if (record === undefined) throw notFound("tenant", id);
    return tenantView(record, tenantSchema.parse(record.body));
  }

  /** Replaces the sections the patch gives (`policy`, `limits`, `budgets`); the others stay. */
  async updateTenant(id: string, patch: unknown): Promise<TenantView> {
    if (this.#config.tenants.has(id))
      throw new DirectoryInputError(
        "id",
        `tenant "${id}" is in the configuration file (${this.#config.source}) and read-only there`,
        "read_only",
      );
    const record = await this.#store.tenant(id);
    if (record === undefined) throw notFound("tenant", id);
    // Validated as sections, merged as given (so defaults are not written into the stored form).
    parse(tenantPatchSchema, patch);
    const body = { ...record.body, ...(patch as Record<string, unknown>) };
    const parsed = parse(tenantSchema, body);
    this.#check(id, body);
    const updated = await this.#store.updateTenant(id, body, this.#clock());
    if (updated === undefined) throw notFound("tenant", id);
    return tenantView(updated, parsed);
  }

  /** The tenant's policy must fit the catalog (providers, models), as a configuration file's must. */
  #check(id: string, body: Readonly<Record<string, unknown>>): void {
    const problems: string[] = [];
    const catalog = { providers: new Set(this.#config.providers.keys()), models: this.#config.models };
    buildTenant(id, parse(tenantSchema, body), catalog, "tenant", "store", problems);
    const problem = problems[0];
    if (problem === undefined) return;
    const colon = problem.indexOf(": ");
    throw new DirectoryInputError(problem.slice("tenant.".length, colon), problem.slice(colon + 2));
  }

  async #tenant(id: string, param: string): Promise<TenantConfig> {
    const file = this.#config.tenants.get(id);
    if (file !== undefined) return file;
    const record = await this.#store.tenant(id);
    const tenant =
      record === undefined
        ? undefined
        : tenantFromRecord(record, {
            providers: new Set(this.#config.providers.keys()),
            models: this.#config.models,
          });
    if (tenant === undefined) {
      const known = [...this.#config.tenants.keys(), ...(await this.#store.tenants()).map((t) => t.id)];
      throw new DirectoryInputError(param, `unknown tenant "${id}" (known: ${known.join(", ")})`);
    }
    return tenant;
  }

  async #storedKey(reference: string): Promise<KeyRecord> {
    const found = await this.#store.findKeys(reference);
    if (found.length === 0) throw notFound("key", reference);
    if (found.length > 1)
      throw new DirectoryInputError("key", `"${reference}" matches ${found.length} keys: name one by its id`);
    return found[0] as KeyRecord;
  }

  async #writableKey(reference: string): Promise<KeyRecord> {
    if (this.#config.keys.some((key) => key.name === reference))
      throw new DirectoryInputError(
        "key",
        `key "${reference}" is in the configuration file (${this.#config.source}): change it there`,
        "read_only",
      );
    return this.#storedKey(reference);
  }
}

/** How much of a key is shown to tell keys apart: `sk-sy-` and six random characters. */
const PREFIX_LENGTH = 12;

/** `sk-sy-` and 40 random base62 characters (238 bits). */
function newSecret(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let secret = "sk-sy-";
  while (secret.length < 46) {
    for (const byte of randomBytes(48)) {
      // 248 = 62 × 4: rejecting the rest keeps every character equally likely.
      if (byte < 248 && secret.length < 46) secret += alphabet[byte % 62];
    }
  }
  return secret;
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue === undefined || issue.path.length === 0 ? "body" : issue.path.map(String).join(".");
  throw new DirectoryInputError(param, issue?.message ?? "is invalid");
}

function stripId(input: unknown): Record<string, unknown> {
  const { id: _id, ...rest } = input as Record<string, unknown>;
  void _id;
  return rest;
}

function withoutUndefined(limits: {
  rpm?: number | undefined;
  tpm?: number | undefined;
}): KeyRecord["limits"] {
  return {
    ...(limits.rpm === undefined ? {} : { rpm: limits.rpm }),
    ...(limits.tpm === undefined ? {} : { tpm: limits.tpm }),
  };
}

function notFound(what: "key" | "tenant", reference: string): DirectoryInputError {
  return new DirectoryInputError(what, `no ${what} "${reference}"`, "not_found");
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

function statusOf(
  revokedAt: number | null | undefined,
  expiresAt: number | null | undefined,
  now: number,
): KeyView["status"] {
  if (revokedAt !== null && revokedAt !== undefined) return "revoked";
  if (expiresAt !== null && expiresAt !== undefined && now >= expiresAt) return "expired";
  return "active";
}

function keyView(record: KeyRecord, now: number): KeyView {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    tenant: record.tenant,
    admin: record.admin,
    models: record.models,
    providers: record.providers,
    regions: record.regions,
    labels: record.labels,
    limits: { rpm: record.limits.rpm ?? null, tpm: record.limits.tpm ?? null },
    budgets: record.budgets,
    expires_at: iso(record.expiresAt),
    revoked_at: iso(record.revokedAt),
    created_at: iso(record.createdAt),
    status: statusOf(record.revokedAt, record.expiresAt, now),
    source: "store",
  };
}

function fileKeyView(key: KeyConfig, now: number): KeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix ?? null,
    tenant: key.tenant,
    admin: key.admin,
    models: key.models === undefined ? null : [...key.models],
    providers: key.providers === undefined ? null : [...key.providers],
    regions: key.regions ?? null,
    labels: key.labels,
    limits: { rpm: key.limits.rpm ?? null, tpm: key.limits.tpm ?? null },
    budgets: key.budgets,
    expires_at: iso(key.expiresAt),
    revoked_at: null,
    created_at: null,
    status: statusOf(undefined, key.expiresAt, now),
    source: "file",
  };
}

function tenantView(record: TenantRecord, parsed: z.output<typeof tenantSchema>): TenantView {
  return {
    id: record.id,
    policy: (record.body["policy"] as Record<string, unknown> | undefined) ?? {},
    limits: { rpm: parsed.limits.rpm ?? null, tpm: parsed.limits.tpm ?? null },
    budgets: parsed.budgets,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    source: "store",
  };
}

function fileTenantView(tenant: TenantConfig): TenantView {
  const policy = tenant.policy;
  return {
    id: tenant.id,
    policy: {
      strategy: policy.strategy,
      ...(policy.allowProviders === undefined ? {} : { providers: { allow: [...policy.allowProviders] } }),
      ...(policy.allowRegions === undefined ? {} : { regions: { allow: policy.allowRegions } }),
    },
    limits: { rpm: tenant.limits.rpm ?? null, tpm: tenant.limits.tpm ?? null },
    budgets: tenant.budgets,
    created_at: null,
    updated_at: null,
    source: "file",
  };
}
