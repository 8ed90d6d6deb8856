import { DEMO_PROVIDERS } from "../config/demo.js";
import type { EmulatorCredentials } from "../emulators/index.js";
import { defineCommand } from "./command.js";
import { untilSignal } from "./serve-command.js";
import { demoPacing, noPacingFlag } from "./shared-flags.js";

export const emulateCommand = defineCommand({
  name: "emulate",
  summary: "Run the demo's emulated clouds standalone and print their base URLs and logins.",
  details: "Fault injection: PUT <url>/__emulator/faults (see docs/emulators.md). Ctrl-C stops.",
  flags: { "no-pacing": noPacingFlag },
  async run(values, _positionals, context) {
    // Loaded only when used: the emulators' tokenizer tables weigh tens of megabytes.
    const { startEmulators } = await import("../emulators/index.js");
    const fleet = await startEmulators({
      pacing: demoPacing(context.env, values["no-pacing"]),
      fleet: DEMO_PROVIDERS,
    });
    for (const emulator of fleet.emulators) {
      context.stdout(
        `${emulator.kind.padEnd(18)} ${emulator.name.padEnd(20)} ${emulator.baseUrl}  (${describeLogin(emulator.credentials)})\n`,
      );
    }
    context.stdout("Fault injection: PUT <url>/__emulator/faults (see docs/emulators.md). Ctrl-C stops.\n");
    await untilSignal();
    await fleet.close();
    return 0;
  },
});

function describeLogin(credentials: EmulatorCredentials): string {
  switch (credentials.type) {
    case "aws":
      return `access key ${credentials.accessKeyId}, secret ${credentials.secretAccessKey}`;
    case "google-service-account":
      return `project ${credentials.project}, service-account tokens from ${(JSON.parse(credentials.keyJson) as { token_uri: string }).token_uri}`;
    case "api-key":
      return `key: ${credentials.apiKey}`;
  }
}
