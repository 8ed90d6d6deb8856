import { startAnthropicEmulator } from "./anthropic/index.js";
import { startBedrockEmulator } from "./bedrock/index.js";
import { startEmulator } from "./emulator-server.js";
import { startGeminiEmulator } from "./gemini/index.js";
import { vertexClaudeRoute } from "./vertex/claude-route.js";
import { startVertexEmulator } from "./vertex/index.js";
import type { EmulatorKind, Pacing, RunningEmulator } from "./types.js";

/** One emulator of the demo fleet: which cloud it plays, and where. */
export interface FleetMember {
  readonly kind: EmulatorKind;
  readonly name: string;
  /** The region the emulated provider is in (Bedrock signs for it). */
  readonly region: string;
}

/** How a client logs in to a fleet emulator. */
export type EmulatorCredentials =
  | { readonly type: "api-key"; readonly apiKey: string }
  | { readonly type: "aws"; readonly accessKeyId: string; readonly secretAccessKey: string }
  | {
      readonly type: "google-service-account";
      readonly project: string;
      /** The service-account key file's JSON; its `token_uri` is the emulator's OAuth endpoint. */
      readonly keyJson: string;
    };

export interface FleetEmulator extends RunningEmulator {
  readonly region: string;
  readonly credentials: EmulatorCredentials;
}

/** The three OpenAI-dialect clouds, started when no fleet is named. */
export const DEFAULT_FLEET: readonly FleetMember[] = [
  { kind: "openai", name: "openai", region: "us" },
  { kind: "azure", name: "azure-eastus", region: "eastus" },
  { kind: "openai-compatible", name: "llama-host", region: "eu-west" },
];

/**
 * Starts a fleet of emulators on ephemeral ports (the demo, `switchyard emulate`, tests).
 * API keys (and Bedrock secret keys) are `${apiKeyPrefix ?? "emulator-key"}-${name}`.
 */
export async function startEmulators(
  options: {
    pacing?: Pacing | undefined;
    apiKeyPrefix?: string | undefined;
    host?: string | undefined;
    fleet?: readonly FleetMember[] | undefined;
  } = {},
): Promise<{ emulators: FleetEmulator[]; close(): Promise<void> }> {
  const prefix = options.apiKeyPrefix ?? "emulator-key";
  const host = options.host === undefined ? {} : { host: options.host };
  const start = async (member: FleetMember): Promise<FleetEmulator> => {
    const secret = `${prefix}-${member.name}`;
    const common = { name: member.name, pacing: options.pacing, ...host };
    switch (member.kind) {
      case "bedrock": {
        const credentials = { accessKeyId: accessKeyIdFor(member.name), secretAccessKey: secret };
        const emulator = await startBedrockEmulator({ ...common, region: member.region, credentials });
        return { ...emulator, region: member.region, credentials: { type: "aws", ...credentials } };
      }
      case "vertex": {
        const project = "switchyard-demo";
        const emulator = await startVertexEmulator({
          ...common,
          project,
          extraRoutes: [vertexClaudeRoute(project)],
        });
        const keyJson = JSON.stringify(emulator.serviceAccountKey);
        return {
          ...emulator,
          region: member.region,
          credentials: { type: "google-service-account", project, keyJson },
        };
      }
      case "gemini": {
        const emulator = await startGeminiEmulator({ ...common, apiKey: secret });
        return { ...emulator, region: member.region, credentials: { type: "api-key", apiKey: secret } };
      }
      case "anthropic": {
        const emulator = await startAnthropicEmulator({ ...common, apiKey: secret });
        return { ...emulator, region: member.region, credentials: { type: "api-key", apiKey: secret } };
      }
      default: {
        const emulator = await startEmulator({ ...common, kind: member.kind, apiKey: secret });
        return { ...emulator, region: member.region, credentials: { type: "api-key", apiKey: secret } };
      }
    }
  };
  const started = await Promise.allSettled((options.fleet ?? DEFAULT_FLEET).map(start));
  const emulators = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const close = async () => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
  };
  const failure = started.find((result) => result.status === "rejected");
  if (failure !== undefined) {
    await close();
    throw failure.reason;
  }
  return { emulators, close };
}

/** An AWS-shaped access key id (20 upper-case characters), stable per emulator name. */
function accessKeyIdFor(name: string): string {
  const letters = name.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return `AKIA${letters}EMULATOR0000000`.slice(0, 20);
}
