import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "pino";
import { buildTenant, type TenantCatalog } from "../config/load.js";
import { tenantSchema } from "../config/schema.js";
import type { GatewayConfig, KeyConfig, TenantConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { TenantSource } from "../routing/planning-service.js";
import type { DirectoryChanges, DirectoryStore, KeyRecord, TenantRecord } from "./directory-records.js";

export interface DirectoryOptions {
  readonly config: GatewayConfig;
  /** The store's keys and tenants; without one, only the configuration file's exist. */
  readonly store?: DirectoryStore | undefined;
  readonly logger?: Logger | undefined;
  /** How often the store is polled for changes made by other processes. */
  readonly refreshMs?: number;
  /** Epoch milliseconds (expiry). */
  readonly clock?: () => number;
}

/**
 * Every key and tenant a gateway knows: the configuration file's (read-only) and the store's (the CLI,
 * `/admin/...`), held in memory so authentication never waits on the database. Changes made by any
 * process are picked up by polling the store's revision every `refreshMs` (the bound on how late a
 * revocation made elsewhere takes effect); a key not known yet triggers one early refresh (coalesced,
 * at most one every `missRefreshMs`), so a key created a moment ago works at once.
 */
export class Directory implements TenantSource {
  readonly #config: GatewayConfig;
  readonly #store: DirectoryStore | undefined;
  readonly #logger: Logger | undefined;
  readonly #refreshMs: number;
  readonly #clock: () => number;
  readonly #catalog: TenantCatalog;
  readonly #byHash = new Map<string, KeyConfig>();
  readonly #byId = new Map<string, KeyConfig>();
  readonly #tenants = new Map<string, TenantConfig>();
  /** Presented key → its entry, so a hot key is hashed once; only matches are kept, bounded. */
  readonly #recent = new Map<string, KeyConfig>();
  #revision = 0;
  #version = 0;
  #refreshing: Promise<void> | undefined;
  #lastMissRefresh = 0;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(options: DirectoryOptions) {
    this.#config = options.config;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? options.config.governance.refreshMs;
    this.#clock = options.clock ?? Date.now;
    this.#catalog = { providers: new Set(options.config.providers.keys()), models: options.config.models };
    for (const [id, tenant] of options.config.tenants) this.#tenants.set(id, tenant);
    for (const key of options.config.keys) {
      this.#byHash.set(key.sha256, key);
      this.#byId.set(key.id, key);
    }
  }

  /** Loads the store's keys and tenants, then keeps polling for changes. */
  async start(): Promise<void> {
    if (this.#store === undefined) return;
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch(() => undefined);
    }, this.#refreshMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  get version(): number {
    return this.#version;
  }

  tenant(id: string): TenantConfig | undefined {
    return this.#tenants.get(id);
  }

  tenantIds(): string[] {
    return [...this.#tenants.keys()];
  }

  key(id: string): KeyConfig | undefined {
    return this.#byId.get(id);
  }

  /**
   * The key a client sent (`Authorization: Bearer …`, Azure's `api-key`, Anthropic's `x-api-key`).
   * A promise only for a key not known yet, while the store is asked once more.
   */
  authenticate(headers: IncomingHttpHeaders): KeyConfig | Promise<KeyConfig> {
    const presented = presentedKey(headers);
    if (presented === undefined)
      throw new GatewayError(
        "invalid_api_key",
        "You didn't provide an API key. Send it as `Authorization: Bearer <key>` (or an `api-key` header).",
      );
    const recent = this.#recent.get(presented);
    if (recent !== undefined) return this.#usable(recent);
    const hash = createHash("sha256").update(presented).digest("hex");
    const key = this.#byHash.get(hash);
    if (key !== undefined) return this.#remember(presented, key);
    if (this.#store === undefined || this.#clock() - this.#lastMissRefresh < missRefreshMs)
      throw incorrectKey();
    this.#lastMissRefresh = this.#clock();
    return this.refresh().then(
      () => {
        const found = this.#byHash.get(hash);
        if (found === undefined) throw incorrectKey();
        return this.#remember(presented, found);
      },
      () => {
        throw incorrectKey();
      },
    );
  }

  /** Reads the store's changes since the last refresh; concurrent callers share one read. */
  refresh(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return Promise.resolve();
    this.#refreshing ??= store
      .changesSince(this.#revision)
      .then(
        (changes) => {
          this.apply(changes);
          if (this.#failing)
            this.#logger?.info("the directory store answers again: keys and tenants are current");
          this.#failing = false;
        },
        (error: unknown) => {
          if (!this.#failing)
            this.#logger?.warn(
              { err: error },
              "cannot read keys and tenants from the store: serving with the ones already loaded",
            );
          this.#failing = true;
          throw error;
        },
      )
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /** Applies changes read from the store (or just written by this process, so they hold at once). */
  apply(changes: DirectoryChanges): void {
    if (changes.tenants.length === 0 && changes.keys.length === 0) {
      this.#revision = Math.max(this.#revision, changes.revision);
      return;
    }
    for (const record of changes.tenants) {
      if (this.#config.tenants.has(record.id)) continue;
      const tenant = tenantFromRecord(record, this.#catalog);
      if (tenant === undefined) {
        this.#logger?.error({ tenant: record.id }, "a tenant in the store does not parse: it is left out");
        continue;
      }
      this.#tenants.set(record.id, tenant);
    }
    for (const record of changes.keys) {
      const previous = this.#byId.get(record.id);
      if (previous?.source === "file") continue;
      if (previous !== undefined) this.#byHash.delete(previous.sha256);
      const key = keyFromRecord(record);
      this.#byId.set(key.id, key);
      this.#byHash.set(key.sha256, key);
    }
    this.#revision = Math.max(this.#revision, changes.revision);
    this.#recent.clear();
    this.#version += 1;
  }

  #remember(presented: string, key: KeyConfig): KeyConfig {
    const usable = this.#usable(key);
    if (this.#recent.size >= maxRecentKeys) this.#recent.clear();
    this.#recent.set(presented, key);
    return usable;
  }

  /** A revoked or expired key is refused, saying so. */
  #usable(key: KeyConfig): KeyConfig {
    if (key.revokedAt !== undefined)
      throw new GatewayError(
        "key_revoked",
        `This API key${prefixText(key)} was revoked on ${new Date(key.revokedAt).toISOString()}.`,
      );
    if (key.expiresAt !== undefined && this.#clock() >= key.expiresAt)
      throw new GatewayError(
        "key_expired",
        `This API key${prefixText(key)} expired on ${new Date(key.expiresAt).toISOString()}.`,
      );
    return key;
  }
}

/** At most one store read per this many milliseconds is triggered by unknown keys (guesses cannot flood it). */
const missRefreshMs = 250;
const maxRecentKeys = 10_000;

function incorrectKey(): GatewayError {
  return new GatewayError("invalid_api_key", "Incorrect API key provided.");
}

function prefixText(key: KeyConfig): string {
  return key.prefix === undefined ? ` "${key.name}"` : ` (${key.prefix}…)`;
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (
    authorization !== undefined &&
    authorization.length > 7 &&
    authorization.slice(0, 7).toLowerCase() === "bearer "
  ) {
    return authorization.slice(7).trim();
  }
  const apiKey = headers["api-key"] ?? headers["x-api-key"];
  return typeof apiKey === "string" && apiKey !== "" ? apiKey : undefined;
}

export function keyFromRecord(record: KeyRecord): KeyConfig {
  return {
    id: record.id,
    name: record.name,
    sha256: record.sha256,
    prefix: record.prefix,
    tenant: record.tenant,
    models: record.models === null ? undefined : new Set(record.models),
    providers: record.providers === null ? undefined : new Set(record.providers),
    regions: record.regions ?? undefined,
    admin: record.admin,
    expiresAt: record.expiresAt ?? undefined,
    revokedAt: record.revokedAt ?? undefined,
    labels: record.labels,
    limits: { rpm: record.limits.rpm, tpm: record.limits.tpm },
    budgets: record.budgets,
    source: "store",
  };
}

/** A stored tenant in the configuration's form, or undefined when it no longer fits the catalog. */
export function tenantFromRecord(record: TenantRecord, catalog: TenantCatalog): TenantConfig | undefined {
  const parsed = tenantSchema.safeParse(record.body);
  if (!parsed.success) return undefined;
  const problems: string[] = [];
  const tenant = buildTenant(record.id, parsed.data, catalog, `tenants.${record.id}`, "store", problems);
  return problems.length === 0 ? tenant : undefined;
}
