import { closestName } from "../config/did-you-mean.js";
import { checkCommand } from "./check-command.js";
import { exitCodeMeanings, UsageError } from "./cli-errors.js";
import { commandHelp, defineCommand, type RegisteredCommand } from "./command.js";
import { emulateCommand } from "./emulate-command.js";
import { catalogCommandEntry, routeCommandEntry } from "./explain-commands.js";
import { packageVersion } from "./package-version.js";
import { reportCommand } from "./report-command.js";
import { keysCommand, tenantsCommand } from "./directory-commands.js";
import { serveCommand } from "./serve-command.js";

const helpCommand = defineCommand({
  name: "help",
  summary: "Show the list of commands, or one command's options.",
  synopsis: "[command]",
  flags: {},
  takesArguments: true,
  run(_values, positionals, context) {
    const name = positionals[0];
    context.stdout(name === undefined ? globalHelp() : commandHelp(findCommand(name)));
    return Promise.resolve(0);
  },
});

// `npx switchyard --version` is answered by npx itself (with npm's version); the command is not.
const versionCommand = defineCommand({
  name: "version",
  summary: "Print the version (the same as --version).",
  flags: {},
  run(_values, _positionals, context) {
    context.stdout(`switchyard ${packageVersion()}\n`);
    return Promise.resolve(0);
  },
});

/** Every command, in the order the help lists them. A new command is one entry here. */
export const commands: readonly RegisteredCommand[] = [
  serveCommand,
  checkCommand,
  routeCommandEntry,
  catalogCommandEntry,
  reportCommand,
  keysCommand,
  tenantsCommand,
  emulateCommand,
  helpCommand,
  versionCommand,
];

export function findCommand(name: string): RegisteredCommand {
  const command = commands.find((candidate) => candidate.name === name);
  if (command !== undefined) return command;
  const closest = closestName(
    name,
    commands.map((candidate) => candidate.name),
  );
  throw new UsageError(
    `unknown command "${name}"${closest === undefined ? "" : ` (did you mean "${closest}"?)`}; run "switchyard help" for the list`,
  );
}

export function globalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return `Usage: switchyard [command] [options]      (serve when no command is given)

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join("\n")}

Run "switchyard help <command>" or "switchyard <command> --help" for a command's options.

Options:
  -h, --help    Show this help
  --version     Print the version

Exit status:
${exitCodeMeanings.map(([code, meaning]) => `  ${code}  ${meaning}`).join("\n")}
`;
}
