#!/usr/bin/env node
/**
 * The composition root and the only reader of `process.env`.
 * Commands: `serve` (default) and `emulate`. Run `switchyard --help`.
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ConfigError } from "../config/load.js";
import type { Pacing } from "../emulators/index.js";
import { startGateway } from "../http/server.js";
import { DEMO_PROVIDERS } from "../config/demo.js";
import type { EmulatorCredentials } from "../emulators/index.js";
import { loadConfiguration } from "./configuration.js";
import { catalogCommand, routeCommand, UsageError } from "./explain-commands.js";

const usage = `Usage: switchyard [command] [options]

Commands:
  serve      Serve the gateway (default). Without a configuration file: demo mode with emulated clouds.
  emulate    Run the emulated clouds standalone and print their base URLs.
  route      Print the plan a request would get: --model M [--tenant T] [--at YYYY-MM-DD] [--strategy S]
             [--providers a,b] [--region R] [--prompt-tokens N] [--max-tokens N] [--json]
  catalog    Print the model x provider availability at a date, and each model's timeline:
             [--at YYYY-MM-DD] [--json]

Options:
  --config FILE     Configuration file (else $SWITCHYARD_CONFIG, else ./switchyard.yaml, else the demo)
  --port N          Port to listen on (else $SWITCHYARD_PORT, else the configuration's, 4800 by default)
  --no-pacing       Demo/emulate: answer at once instead of pacing tokens like a real cloud
  -h, --help        Show this help

Environment:
  SWITCHYARD_DEMO_KEY                  the demo key (random when unset)
  SWITCHYARD_DEMO_TTFT_MS              demo pacing: time to first token (default 350)
  SWITCHYARD_DEMO_TOKENS_PER_SECOND    demo pacing: token rate (default 60)
`;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: "string" },
      port: { type: "string" },
      "no-pacing": { type: "boolean", default: false },
      model: { type: "string" },
      tenant: { type: "string" },
      at: { type: "string" },
      strategy: { type: "string" },
      providers: { type: "string" },
      region: { type: "string" },
      "prompt-tokens": { type: "string" },
      "max-tokens": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const command = positionals[0] ?? "serve";
  const pacing = values["no-pacing"] ? undefined : demoPacing(env);
  const portText = values.port ?? env.SWITCHYARD_PORT;
  const port = portText === undefined ? undefined : parsePort(portText);

  switch (command) {
    case "serve":
      return serve({ configFlag: values.config, env, port, pacing });
    case "emulate":
      return emulate(pacing);
    case "route":
    case "catalog": {
      const { config } = await loadConfiguration({
        configFlag: values.config,
        env,
        cwd: process.cwd(),
        startDemoUpstreams: false,
        port: port ?? 4800,
        pacing: undefined,
      });
      const now = Date.now();
      process.stdout.write(
        command === "route"
          ? routeCommand(
              config,
              {
                model: values.model,
                tenant: values.tenant,
                at: values.at,
                strategy: values.strategy,
                providers: values.providers,
                region: values.region,
                promptTokens: values["prompt-tokens"],
                maxTokens: values["max-tokens"],
                json: values.json,
              },
              now,
            )
          : catalogCommand(config, { at: values.at, json: values.json }, now),
      );
      return 0;
    }
    default:
      process.stderr.write(`switchyard: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

async function serve(options: {
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
  port: number | undefined;
  pacing: Pacing | undefined;
}): Promise<number> {
  const loaded = await loadConfiguration({
    configFlag: options.configFlag,
    env: options.env,
    cwd: process.cwd(),
    startDemoUpstreams: true,
    port: options.port ?? 4800,
    pacing: options.pacing,
  });
  const { config } = loaded;
  const logger = pino({ level: config.server.logLevel, base: null });
  const gateway = await startGateway(
    config,
    logger,
    options.port === undefined ? {} : { port: options.port },
  );
  logger.info({ url: gateway.url, config: config.source }, "switchyard is serving");

  if (loaded.demoKey !== undefined) {
    const out = process.stdout;
    out.write(`\nSwitchyard demo mode: no configuration file found, serving the built-in demo catalog.\n`);
    for (const upstream of loaded.demoUpstreams)
      out.write(`  emulated cloud ${upstream.name.padEnd(20)} ${upstream.baseUrl}\n`);
    out.write(
      `\n  gateway      ${gateway.url}/v1\n  demo key     ${loaded.demoKey}\n` +
        `  EU-only key  ${loaded.demoKey}-eu   (a tenant whose requests never leave the EU)\n\nTry it:\n\n`,
    );
    out.write(
      `  curl ${gateway.url}/v1/chat/completions \\\n` +
        `    -H "Authorization: Bearer ${loaded.demoKey}" -H "Content-Type: application/json" \\\n` +
        `    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello, Switchyard!"}]}'\n\n` +
        `  npx switchyard catalog               # which cloud may serve which model today, and why\n` +
        `  npx switchyard route --model gpt-nova  # the plan a request would get\n\n`,
    );
  }

  await untilSignal();
  logger.info({ graceMs: config.server.shutdownGraceMs }, "shutting down: finishing in-flight requests");
  await gateway.close();
  await loaded.close();
  logger.info("stopped");
  return 0;
}

async function emulate(pacing: Pacing | undefined): Promise<number> {
  // Loaded only when used: the emulators' tokenizer tables weigh tens of megabytes.
  const { startEmulators } = await import("../emulators/index.js");
  const fleet = await startEmulators({ pacing, fleet: DEMO_PROVIDERS });
  for (const emulator of fleet.emulators) {
    process.stdout.write(
      `${emulator.kind.padEnd(18)} ${emulator.name.padEnd(20)} ${emulator.baseUrl}  (${describeLogin(emulator.credentials)})\n`,
    );
  }
  process.stdout.write(
    "Fault injection: PUT <url>/__emulator/faults (see docs/emulators.md). Ctrl-C stops.\n",
  );
  await untilSignal();
  await fleet.close();
  return 0;
}

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

function demoPacing(env: NodeJS.ProcessEnv): Pacing {
  return {
    timeToFirstTokenMs: Number(env.SWITCHYARD_DEMO_TTFT_MS ?? 350),
    tokensPerSecond: Number(env.SWITCHYARD_DEMO_TOKENS_PER_SECOND ?? 60),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: "${text}" is not a port number`);
  return port;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`switchyard: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `switchyard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
