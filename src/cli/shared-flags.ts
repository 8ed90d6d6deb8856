import type { Flag } from "./command.js";
import type { Pacing } from "../emulators/index.js";
import { UsageError } from "./cli-errors.js";

export const configFlag = {
  type: "string",
  value: "FILE",
  description: "Configuration file (else $SWITCHYARD_CONFIG, else ./switchyard.yaml, else the demo)",
} as const satisfies Flag;

export const atFlag = {
  type: "string",
  value: "YYYY-MM-DD",
  description: "The date to evaluate agreements and availability at (default: now)",
} as const satisfies Flag;

export const jsonFlag = {
  type: "boolean",
  description: "Print JSON instead of text",
} as const satisfies Flag;

export const noPacingFlag = {
  type: "boolean",
  description: "Demo/emulators: answer at once instead of pacing tokens like a real cloud",
} as const satisfies Flag;

/** The emulators' pacing from the environment, or none with `--no-pacing`. */
export function demoPacing(env: NodeJS.ProcessEnv, noPacing: boolean): Pacing | undefined {
  if (noPacing) return undefined;
  return {
    timeToFirstTokenMs: nonNegative("SWITCHYARD_DEMO_TTFT_MS", env.SWITCHYARD_DEMO_TTFT_MS, 350),
    tokensPerSecond: nonNegative(
      "SWITCHYARD_DEMO_TOKENS_PER_SECOND",
      env.SWITCHYARD_DEMO_TOKENS_PER_SECOND,
      60,
    ),
  };
}

function nonNegative(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new UsageError(`${name}: "${text}" is not a non-negative number`);
  return value;
}
