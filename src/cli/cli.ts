/**
 * The command line: dispatch to a command of the registry (`commands.ts`), and the exit status and
 * message of each failure. Every failure a user can cause is one line on stderr and a documented exit
 * status (`cli-errors.ts`); only a bug prints a stack.
 */
import { ConfigError } from "../config/load.js";
import { exitCodes, ListenError, UsageError } from "./cli-errors.js";
import type { CommandContext } from "./command.js";
import { findCommand, globalHelp } from "./commands.js";
import { packageVersion } from "./package-version.js";

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const first = argv[0];
  if (first === "--version") {
    context.stdout(`switchyard ${packageVersion()}\n`);
    return exitCodes.ok;
  }
  if (first === "--help" || first === "-h") {
    context.stdout(globalHelp());
    return exitCodes.ok;
  }
  // Flags without a command are serve's: `switchyard --port 4915`.
  if (first === undefined || first.startsWith("-")) return findCommand("serve").run(argv, context);
  return findCommand(first).run(argv.slice(1), context);
}

/** The exit status and the one line (or, for a configuration, the list of problems) a failure prints. */
export function describeFailure(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: exitCodes.usage, message: error.message };
  if (error instanceof ConfigError) return { code: exitCodes.config, message: error.message };
  if (error instanceof ListenError) return { code: exitCodes.listen, message: error.message };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: exitCodes.internal, message: `unexpected error (please report it):\n${detail}` };
}
