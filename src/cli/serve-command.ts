import { startGateway } from "../http/server.js";
import { createLogger, flushLogger } from "../observability/logger.js";
import { openStore } from "../store/index.js";
import { listenError, storeError, UsageError } from "./cli-errors.js";
import { defineCommand, type CommandContext } from "./command.js";
import { loadConfiguration } from "./configuration.js";
import { configFlag, demoPacing, noPacingFlag } from "./shared-flags.js";

export const serveCommand = defineCommand({
  name: "serve",
  summary:
    "Serve the gateway (the default command). Without a configuration file: demo mode with emulated clouds.",
  details: `The port is the first of: --port, $SWITCHYARD_PORT, $PORT, the configuration's server.port, 4800.
Through npm, pass flags after "--": npm start -- --port 4915.

Environment:
  SWITCHYARD_CONFIG                    the configuration file, when --config is not given
  SWITCHYARD_PORT, PORT                the port, when --port is not given
  SWITCHYARD_DEMO_KEY                  demo mode: the key (random when unset)
  SWITCHYARD_DEMO_TTFT_MS              demo mode: time to first token (default 350)
  SWITCHYARD_DEMO_TOKENS_PER_SECOND    demo mode: token rate (default 60)`,
  flags: {
    config: configFlag,
    port: { type: "string", value: "N", description: "Port to listen on (0: any free port)" },
    "no-pacing": noPacingFlag,
  },
  // Read only to explain `npm start --port N` (see refuseNpmFlags); any argument is refused.
  takesArguments: true,
  async run(values, positionals, context) {
    if (values.port === undefined) refuseNpmFlags(positionals, context.env);
    if (positionals.length > 0)
      throw new UsageError(
        `serve: unexpected argument "${positionals[0] ?? ""}"; see "switchyard serve --help"`,
      );
    const port = requestedPort(values.port, context.env);
    return serve(values.config, port, values["no-pacing"], context);
  },
});

/**
 * `npm start --port 4915` hands `--port` to npm, not to us: npm sets `npm_config_port` and passes the
 * number on as a bare argument. Say so instead of serving on the default port.
 */
function refuseNpmFlags(positionals: readonly string[], env: NodeJS.ProcessEnv): void {
  const npmPort = env.npm_config_port;
  if (env.npm_lifecycle_event === undefined || npmPort === undefined) return;
  const intended = /^\d+$/.test(npmPort) ? npmPort : (positionals.find((p) => /^\d+$/.test(p)) ?? "N");
  throw new UsageError(
    `serve: npm took --port as its own option, so it never reached switchyard; run: npm ${env.npm_lifecycle_event} -- --port ${intended}`,
  );
}

/** --port, then SWITCHYARD_PORT, then PORT (the convention of container platforms). */
export function requestedPort(flag: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const sources: [string, string | undefined][] = [
    ["--port", flag],
    ["SWITCHYARD_PORT", env.SWITCHYARD_PORT],
    ["PORT", env.PORT],
  ];
  for (const [name, text] of sources) {
    if (text === undefined || text === "") continue;
    const port = Number(text);
    if (!/^\d+$/.test(text) || port > 65535)
      throw new UsageError(`${name}: "${text}" is not a port number (an integer from 0 to 65535)`);
    return port;
  }
  return undefined;
}

async function serve(
  configFlag: string | undefined,
  port: number | undefined,
  noPacing: boolean,
  context: CommandContext,
): Promise<number> {
  const loaded = await loadConfiguration({
    configFlag,
    env: context.env,
    cwd: context.cwd,
    startDemoUpstreams: true,
    port: port ?? 4800,
    pacing: demoPacing(context.env, noPacing),
  });
  const { config } = loaded;
  const logger = createLogger({ level: config.log.level });
  let store;
  try {
    store = await openStore(config.database);
  } catch (error) {
    await loaded.close();
    throw storeError(error) ?? error;
  }
  let gateway;
  try {
    gateway = await startGateway(config, logger, port === undefined ? {} : { port }, store);
  } catch (error) {
    await store.close();
    await loaded.close();
    throw storeError(error) ?? listenError(error, config.server.host, port ?? config.server.port) ?? error;
  }
  logger.info(
    { url: gateway.url, config: config.source, store: `${store.backend} ${store.target}` },
    "switchyard is serving",
  );

  if (loaded.demoKey !== undefined) {
    const out = context.stdout;
    out(`\nSwitchyard demo mode: no configuration file found, serving the built-in demo catalog.\n`);
    for (const upstream of loaded.demoUpstreams)
      out(`  emulated cloud ${upstream.name.padEnd(20)} ${upstream.baseUrl}\n`);
    out(
      `\n  gateway      ${gateway.url}/v1\n  demo key     ${loaded.demoKey}\n` +
        `  EU-only key  ${loaded.demoKey}-eu   (a tenant whose requests never leave the EU)\n\nTry it:\n\n`,
    );
    out(
      `  curl ${gateway.url}/v1/chat/completions \\\n` +
        `    -H "Authorization: Bearer ${loaded.demoKey}" -H "Content-Type: application/json" \\\n` +
        `    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello, Switchyard!"}]}'\n\n` +
        `  npx switchyard catalog               # which cloud may serve which model today, and why\n` +
        `  npx switchyard route --model gpt-nova  # the plan a request would get\n` +
        `  npx switchyard report whatif         # after a few requests: what they would cost on every other cloud\n\n`,
    );
  }

  await untilSignal();
  logger.info({ graceMs: config.server.shutdownGraceMs }, "shutting down: finishing in-flight requests");
  await gateway.close();
  await store.close();
  await loaded.close();
  logger.info("stopped");
  await flushLogger(logger);
  return 0;
}

export function untilSignal(): Promise<void> {
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
