import type { FaultController } from "./fault-controller.js";

/** Which cloud dialect an emulator speaks. */
export type EmulatorKind =
  "openai" | "azure" | "openai-compatible" | "anthropic" | "bedrock" | "gemini" | "vertex";

/** Token pacing; `0` / `Infinity` in either field disables that part of the pacing. */
export interface Pacing {
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
}

export interface EmulatorOptions {
  kind: EmulatorKind;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (ephemeral). */
  port?: number;
  /** The key clients must present. */
  apiKey: string;
  /** `undefined` = no pacing (tests, benchmarks). */
  pacing?: Pacing | undefined;
  /** Label used in ids and logs, e.g. `azure-eastus`. Defaults to the kind. */
  name?: string;
}

export interface RunningEmulator {
  kind: EmulatorKind;
  name: string;
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What an SDK `baseURL` should be: `${url}/v1` (openai, openai-compatible) or `${url}` (azure endpoint). */
  baseUrl: string;
  /** Same state as the `/__emulator/faults` HTTP endpoint. */
  faults: FaultController;
  close(): Promise<void>;
}
