import type { BudgetRule } from "../config/types.js";

/*
 * Keys and tenants as the store keeps them: plain data, the same on SQLite and PostgreSQL. The
 * directory (directory.ts) turns them into the KeyConfig and TenantConfig the pipeline reads.
 */

/** A virtual key created with the CLI or `/admin/keys`. The key itself is never stored, only its hash. */
export interface KeyRecord {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly sha256: string;
  /** The key's first characters, shown to tell keys apart (`sk-sy-AbCd12`). */
  readonly prefix: string;
  readonly admin: boolean;
  /** Narrowings of the tenant's; null: not narrowed. */
  readonly models: readonly string[] | null;
  readonly providers: readonly string[] | null;
  readonly regions: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly limits: { readonly rpm?: number | undefined; readonly tpm?: number | undefined };
  readonly budgets: readonly BudgetRule[];
  /** Epoch milliseconds. */
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The directory revision of its last change. */
  readonly revision: number;
}

/** A tenant created with the CLI or `/admin/tenants`, in the configuration file's form. */
export interface TenantRecord {
  readonly id: string;
  /** `{policy, limits, budgets}` exactly as under `tenants.<id>` in a configuration file. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly revision: number;
}

/** What changed in the directory after a revision. */
export interface DirectoryChanges {
  /** The newest revision: the next poll asks for changes after it. */
  readonly revision: number;
  readonly tenants: readonly TenantRecord[];
  readonly keys: readonly KeyRecord[];
}

/** The store side of the directory: small, the same for both backends. */
export interface DirectoryStore {
  changesSince(revision: number): Promise<DirectoryChanges>;
  tenants(): Promise<TenantRecord[]>;
  tenant(id: string): Promise<TenantRecord | undefined>;
  /** Refused with a DuplicateError when the id is taken. */
  insertTenant(
    tenant: Omit<TenantRecord, "revision" | "createdAt" | "updatedAt">,
    now: number,
  ): Promise<TenantRecord>;
  updateTenant(id: string, body: TenantRecord["body"], now: number): Promise<TenantRecord | undefined>;
  keys(filter?: { readonly tenant?: string | undefined }): Promise<KeyRecord[]>;
  key(id: string): Promise<KeyRecord | undefined>;
  /** Keys whose id, visible prefix or live name is `reference`. */
  findKeys(reference: string): Promise<KeyRecord[]>;
  /** Refused with a DuplicateError when a live key has the name. */
  insertKey(key: Omit<KeyRecord, "revision" | "createdAt" | "updatedAt">, now: number): Promise<KeyRecord>;
  updateKey(
    id: string,
    changes: Partial<Pick<KeyRecord, "sha256" | "prefix" | "revokedAt">>,
    now: number,
  ): Promise<KeyRecord | undefined>;
}

/** A unique column already holds the value. */
export class DuplicateError extends Error {
  override readonly name = "DuplicateError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
