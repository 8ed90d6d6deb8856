import { pino } from "pino";
import { DEMO_PROVIDERS, demoConfigDocument, type DemoUpstream } from "../../../src/config/demo.js";
import { resolveConfig } from "../../../src/config/load.js";
import { startEmulators, type FleetEmulator, type Pacing } from "../../../src/emulators/index.js";
import { startGateway, type RunningGateway } from "../../../src/http/server.js";
import { BreakerLog } from "./breaker-log.js";

export const drillKey = "sk-drill-switchyard";
/** The demo's EU-only tenant: its requests must never be served outside the EU. */
export const euKey = `${drillKey}-eu`;

/** Regions in the EU, written out here rather than taken from the gateway's own geography rules. */
export const EU_REGIONS: ReadonlySet<string> = new Set(["swedencentral", "europe-west4", "eu-west"]);

export interface DrillFleetOptions {
  /** Providers whose emulators pace their streams (the rest answer at once). */
  readonly pacing?: Readonly<Record<string, Pacing>>;
  /** Changes to the configuration document before it is validated (a drill's own limits). */
  readonly configure?: (document: Record<string, unknown>) => void;
}

/**
 * The demo topology (nine emulated clouds, the demo catalog, the demo and EU-only tenants) behind one
 * in-process gateway, tuned for drills: quick retries, a first-token limit a stall can trip, breakers
 * that open after three failures and half-open after a second, so a drill sees them move.
 */
export class DrillFleet {
  readonly gateway: RunningGateway;
  readonly emulators: ReadonlyMap<string, FleetEmulator>;
  readonly breakers: BreakerLog;
  /** Each provider's region, as the configuration states it. */
  readonly regions: ReadonlyMap<string, string>;
  readonly #close: () => Promise<void>;

  private constructor(
    gateway: RunningGateway,
    emulators: ReadonlyMap<string, FleetEmulator>,
    close: () => Promise<void>,
  ) {
    this.gateway = gateway;
    this.emulators = emulators;
    this.#close = close;
    this.breakers = new BreakerLog(gateway.services.health);
    this.regions = new Map(
      [...gateway.services.config.providers.values()].map((p) => [p.id, p.region ?? ""]),
    );
  }

  static async start(options: DrillFleetOptions = {}): Promise<DrillFleet> {
    const paced = new Set(Object.keys(options.pacing ?? {}));
    const fleets = await Promise.all([
      startEmulators({ apiKeyPrefix: "drill", fleet: DEMO_PROVIDERS.filter((p) => !paced.has(p.name)) }),
      ...[...paced].map((name) =>
        startEmulators({
          apiKeyPrefix: "drill",
          fleet: DEMO_PROVIDERS.filter((p) => p.name === name),
          pacing: options.pacing?.[name],
        }),
      ),
    ]);
    const emulators = new Map<string, FleetEmulator>();
    for (const fleet of fleets)
      for (const emulator of fleet.emulators) emulators.set(emulator.name, emulator);
    const upstreams = new Map<string, DemoUpstream>(emulators);
    const document = demoConfigDocument(upstreams, drillKey, 0) as Record<string, unknown>;
    document.server = { host: "127.0.0.1", port: 0, body_limit_bytes: 256 * 1024, log_level: "silent" };
    const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
    for (const tenant of Object.values(tenants)) {
      Object.assign(tenant.policy, {
        retries: {
          attempts_per_offering: 2,
          backoff_base_ms: 5,
          backoff_max_ms: 20,
          retry_after_cap_ms: 5_000,
        },
        timeouts: { first_token_ms: 1_000 },
      });
    }
    document.health = { breaker: { consecutive_failures: 3, open_ms: 1_000 } };
    options.configure?.(document);
    const config = resolveConfig(document, "drill", {});
    const gateway = await startGateway(config, pino({ level: "silent" }));
    return new DrillFleet(gateway, emulators, async () => {
      await gateway.close(1_000);
      await Promise.all(fleets.map((fleet) => fleet.close()));
    });
  }

  get url(): string {
    return this.gateway.url;
  }

  emulator(name: string): FleetEmulator {
    const emulator = this.emulators.get(name);
    if (emulator === undefined) throw new Error(`no emulator ${name}`);
    return emulator;
  }

  /** Sets a fault over the emulator's HTTP control API, as an operator would. */
  async fault(provider: string, fault: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.emulator(provider).url}/__emulator/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(fault),
    });
    if (!response.ok) throw new Error(`fault on ${provider}: ${response.status} ${await response.text()}`);
  }

  async clearFault(provider: string): Promise<void> {
    await fetch(`${this.emulator(provider).url}/__emulator/faults`, { method: "DELETE" });
  }

  /** Chat and embeddings requests an emulator has received since the last reset. */
  async requestCount(provider: string): Promise<number> {
    const response = await fetch(`${this.emulator(provider).url}/__emulator/requests`);
    return ((await response.json()) as { count: number }).count;
  }

  /** Clears every fault and request log, and the gateway's health and circuits. */
  async reset(): Promise<void> {
    this.gateway.services.health.clear();
    this.breakers.clear();
    await Promise.all(
      [...this.emulators.values()].flatMap((emulator) => [
        fetch(`${emulator.url}/__emulator/faults`, { method: "DELETE" }),
        fetch(`${emulator.url}/__emulator/requests`, { method: "DELETE" }),
      ]),
    );
  }

  /** The candidates the gateway would try for a model, in order, with health as it is now. */
  async candidates(model: string, tenant = "demo"): Promise<string[]> {
    const response = await fetch(`${this.url}/admin/plan?tenant=${tenant}`, {
      method: "POST",
      headers: { authorization: `Bearer ${drillKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "plan" }] }),
    });
    if (!response.ok) throw new Error(`plan for ${model}: ${response.status} ${await response.text()}`);
    const plan = (await response.json()) as { candidates: { provider: string }[] };
    return plan.candidates.map((candidate) => candidate.provider);
  }

  close(): Promise<void> {
    return this.#close();
  }
}
