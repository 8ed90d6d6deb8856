import { startEmulator } from "./emulator-server.js";
import type { EmulatorKind, Pacing, RunningEmulator } from "./types.js";

const FLEET: { kind: EmulatorKind; name: string }[] = [
  { kind: "openai", name: "openai" },
  { kind: "azure", name: "azure-eastus" },
  { kind: "openai-compatible", name: "llama-host" },
];

/**
 * Starts one emulator of each kind on ephemeral ports (for the demo and `switchyard emulate`).
 * Keys are `${apiKeyPrefix ?? "emulator-key"}-${name}`.
 */
export async function startEmulators(
  options: { pacing?: Pacing | undefined; apiKeyPrefix?: string | undefined; host?: string | undefined } = {},
): Promise<{
  emulators: RunningEmulator[];
  close(): Promise<void>;
}> {
  const prefix = options.apiKeyPrefix ?? "emulator-key";
  const started = await Promise.allSettled(
    FLEET.map(({ kind, name }) =>
      startEmulator({
        kind,
        name,
        apiKey: `${prefix}-${name}`,
        pacing: options.pacing,
        ...(options.host === undefined ? {} : { host: options.host }),
      }),
    ),
  );
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
