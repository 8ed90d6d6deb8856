import { parseArgs } from "node:util";
import { closestName } from "../config/did-you-mean.js";
import { UsageError } from "./cli-errors.js";

/** One option of a command, as its help lists it. */
export interface Flag {
  readonly type: "string" | "boolean";
  /** The value's placeholder in the help: `FILE`, `N`, `YYYY-MM-DD`. */
  readonly value?: string;
  readonly description: string;
}

export type Flags = Readonly<Record<string, Flag>>;

/** The parsed values of a command's flags: strings (absent when not given) and booleans. */
export type FlagValues<F extends Flags> = {
  readonly [K in keyof F]: F[K]["type"] extends "boolean" ? boolean : string | undefined;
};

/** What a command may touch: the environment is read by `main.ts` and handed down, never read here. */
export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly now: () => number;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * A CLI command: adding one is one entry in the registry (`commands.ts`) — its name, a one-line
 * summary, its own flags (which its help lists), and what it runs.
 */
export interface Command<F extends Flags = Flags> {
  readonly name: string;
  readonly summary: string;
  /** What follows the command name in its usage line, e.g. `--model M [options]`. */
  readonly synopsis?: string;
  /** Paragraphs after the usage line in the command's help. */
  readonly details?: string;
  readonly flags: F;
  /** The command reads arguments besides its flags (`help route`); otherwise any is a usage error. */
  readonly takesArguments?: boolean;
  run(values: FlagValues<F>, positionals: readonly string[], context: CommandContext): Promise<number>;
}

/** A command with its flag types erased, so commands of different flags share one registry. */
export interface RegisteredCommand {
  readonly name: string;
  readonly summary: string;
  readonly synopsis?: string;
  readonly details?: string;
  readonly flags: Flags;
  readonly takesArguments?: boolean;
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}

export function defineCommand<F extends Flags>(command: Command<F>): RegisteredCommand {
  return {
    ...command,
    run: (argv, context) => {
      const parsed = parseFlags(command, argv);
      if (parsed === "help") {
        context.stdout(commandHelp(command));
        return Promise.resolve(0);
      }
      return command.run(parsed.values as FlagValues<F>, parsed.positionals, context);
    },
  };
}

const helpFlag: Flag = { type: "boolean", description: "Show this help" };

function parseFlags(
  command: Command<Flags>,
  argv: readonly string[],
): "help" | { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, flag] of Object.entries(command.flags)) options[name] = { type: flag.type };
  const see = `see "switchyard ${command.name} --help"`;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command.name}: ${parseProblem(error, Object.keys(options))}; ${see}`);
  }
  if (parsed.values["help"] === true) return "help";
  if (command.takesArguments !== true && parsed.positionals.length > 0)
    throw new UsageError(`${command.name}: unexpected argument "${parsed.positionals[0] ?? ""}"; ${see}`);
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, flag] of Object.entries(command.flags)) {
    const value = parsed.values[name];
    values[name] = flag.type === "boolean" ? value === true : typeof value === "string" ? value : undefined;
  }
  return { values, positionals: parsed.positionals };
}

/** node:util's parse errors, in plain words (their text names the option in quotes). */
function parseProblem(error: unknown, known: readonly string[]): string {
  if (!(error instanceof Error) || !("code" in error)) throw error;
  const option = /'(-{1,2}[^' =]+)/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const closest = closestName(option.replace(/^-+/, ""), known);
      return `unknown option ${option}${closest === undefined ? "" : ` (did you mean --${closest}?)`}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (error.message.includes("argument missing")) return `option ${option} needs a value`;
      // `--budget -3`: node:util reads the value as another option.
      if (error.message.includes("ambiguous"))
        return `option ${option} needs a value (one that starts with "-" is written ${option}=-…)`;
      return `option ${option} takes no value`;
    default:
      return error.message;
  }
}

/** A command's own help: its usage line, what it does, and every flag it takes. */
export function commandHelp(command: Command<Flags> | RegisteredCommand): string {
  const rows: [string, string][] = Object.entries(command.flags).map(([name, flag]) => [
    `--${name}${flag.value === undefined ? "" : ` ${flag.value}`}`,
    flag.description,
  ]);
  rows.push(["-h, --help", helpFlag.description]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const synopsis = command.synopsis ?? (Object.keys(command.flags).length > 0 ? "[options]" : "");
  return (
    `Usage: switchyard ${command.name}${synopsis === "" ? "" : ` ${synopsis}`}\n\n${command.summary}\n` +
    (command.details === undefined ? "" : `\n${command.details.trimEnd()}\n`) +
    `\nOptions:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join("\n")}\n`
  );
}
