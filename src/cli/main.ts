#!/usr/bin/env node
/** The entry point and the only reader of `process.env`; the commands are in `commands.ts`. */
import { describeFailure, main } from "./cli.js";
import type { CommandContext } from "./command.js";

const context: CommandContext = {
  env: process.env,
  cwd: process.cwd(),
  now: () => Date.now(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
main(process.argv.slice(2), context).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const failure = describeFailure(error);
    process.stderr.write(`switchyard: ${failure.message}\n`);
    process.exit(failure.code);
  },
);
