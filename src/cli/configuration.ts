import { randomBytes } from "node:crypto";
import {
  DEMO_PROVIDERS,
  demoConfigDocument,
  placeholderUpstreams,
  type DemoUpstreams,
} from "../config/demo.js";
import { loadConfigFile, locateConfig, resolveConfig } from "../config/load.js";
import type { GatewayConfig } from "../config/types.js";
import type { Pacing } from "../emulators/index.js";

export interface ConfigurationRequest {
  readonly configFlag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Start the demo's emulated clouds (serving); otherwise the demo catalog points at placeholder URLs. */
  readonly startDemoUpstreams: boolean;
  readonly port: number;
  readonly pacing: Pacing | undefined;
}

export interface LoadedConfiguration {
  readonly config: GatewayConfig;
  /** Set in demo mode: the key to print. */
  readonly demoKey: string | undefined;
  readonly demoUpstreams: { readonly name: string; readonly baseUrl: string }[];
  close(): Promise<void>;
}

/**
 * The one configuration lookup of every command: `--config`, `SWITCHYARD_CONFIG`, `./switchyard.yaml`,
 * else the demo configuration (with the emulated clouds started in-process when serving).
 */
export async function loadConfiguration(request: ConfigurationRequest): Promise<LoadedConfiguration> {
  const location = locateConfig({
    flag: request.configFlag,
    env: request.env.SWITCHYARD_CONFIG,
    cwd: request.cwd,
  });
  if (location.kind === "file") {
    return {
      config: loadConfigFile(location.path, request.env),
      demoKey: undefined,
      demoUpstreams: [],
      close: async () => {},
    };
  }
  const demoKey = request.env.SWITCHYARD_DEMO_KEY ?? `sy-demo-${randomBytes(9).toString("base64url")}`;
  if (!request.startDemoUpstreams) {
    const document = demoConfigDocument(placeholderUpstreams(), demoKey, request.port);
    return { config: resolveConfig(document, "demo", {}), demoKey, demoUpstreams: [], close: async () => {} };
  }
  // Loaded only in demo mode: the emulators' tokenizer tables weigh tens of megabytes.
  const { startEmulators } = await import("../emulators/index.js");
  const apiKeyPrefix = `emulator-${randomBytes(6).toString("hex")}`;
  const fleet = await startEmulators({ pacing: request.pacing, apiKeyPrefix, fleet: DEMO_PROVIDERS });
  const upstreams: DemoUpstreams = new Map(fleet.emulators.map((emulator) => [emulator.name, emulator]));
  const config = resolveConfig(demoConfigDocument(upstreams, demoKey, request.port), "demo", {});
  return {
    config,
    demoKey,
    demoUpstreams: fleet.emulators.map((emulator) => ({ name: emulator.name, baseUrl: emulator.baseUrl })),
    close: () => fleet.close(),
  };
}
