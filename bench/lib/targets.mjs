// The targets under test, each started fresh behind its own fresh bench upstream.
// The server under test runs alone on SERVER_CPU; the upstream (except for `direct`, where it is the server
// under test) shares LOAD_CPU with the load generator.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { freePort, start, stop, waitHttp } from "./proc.mjs";

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;
export const BENCH_KEY = "sk-bench-switchyard-0001"; // the key in bench/switchyard.bench.yaml
export const ALL_TARGETS = [
  "direct",
  "floor",
  "switchyard",
  "switchyard-off",
  "switchyard-limits",
  "switchyard-redis",
  "portkey",
  "portkey-shim",
];
/** Switchyard's targets: the same build, with the access log, ledger and metrics on, and off. */
export const SWITCHYARD_CONFIGS = {
  switchyard: "bench/switchyard.bench.yaml",
  "switchyard-off": "bench/switchyard-off.bench.yaml",
  "switchyard-limits": "bench/switchyard-limits.bench.yaml",
  "switchyard-redis": "bench/switchyard-redis.bench.yaml",
};
export const DESCRIPTIONS = {
  direct: "client → bench upstream, no proxy (the upstream itself is the server under test)",
  floor: "bench/floor.mjs: node:http + undici Pool pass-through (the practical limit for a Node.js gateway)",
  switchyard:
    "dist/src/cli/main.js serve --config bench/switchyard.bench.yaml (auth, two offerings; access log at info to a file, SQLite ledger, metrics)",
  "switchyard-off":
    "the same build with bench/switchyard-off.bench.yaml (log.requests false, ledger.enabled false, server.metrics off)",
  "switchyard-limits":
    "switchyard with rate limits (rpm, tpm on key and tenant) and a tenant budget, in process (bench/switchyard-limits.bench.yaml)",
  "switchyard-redis":
    "switchyard-limits with the counters in Redis at 127.0.0.1:6379 (bench/switchyard-redis.bench.yaml)",
  portkey: "@portkey-ai/gateway 1.15.2, build/start-server.js --headless, unmodified",
  "portkey-shim":
    "the same Portkey build with global fetch wrapped (bench/portkey-shim.mjs) so its streaming works; streaming only",
};
const PATH = "/v1/chat/completions";
let dist = "dist"; // run.mjs points this at a snapshot of the build, so one run measures one build
export const useSwitchyardBuild = (dir) => (dist = dir);
const portkeyEntry = () =>
  createRequire(import.meta.url).resolve("@portkey-ai/gateway/build/start-server.js");

/** Starts upstream + target; returns { url, headers, server, upstream, streamOnly, stop() }. */
export async function startTarget(name, logDir, extraNodeArgs = []) {
  const log = `${logDir}/${name}.log`;
  const upPort = await freePort();
  const origin = `http://127.0.0.1:${upPort}`;
  const upCpu = name === "direct" ? SERVER_CPU : LOAD_CPU;
  const upstream = start("upstream", upCpu, "node", ["bench/upstream.mjs", String(upPort)], {
    log: `${logDir}/${name}-upstream.log`,
  });
  const t = { name, upstream, server: upstream, url: origin + PATH, headers: {}, streamOnly: false };
  t.stop = async () => {
    await stop(t.server === upstream ? undefined : t.server);
    await stop(upstream);
  };
  try {
    await waitHttp(`${origin}/health`, upstream);
    if (name === "direct") return t;
    const port = await freePort();
    const node = (args, env = {}) =>
      start(name, SERVER_CPU, "node", [...extraNodeArgs, ...args], { env, log });
    let ready = `http://127.0.0.1:${port}/`;
    if (name === "floor") t.server = node(["bench/floor.mjs", String(port), origin]);
    else if (name in SWITCHYARD_CONFIGS) {
      const config = SWITCHYARD_CONFIGS[name];
      // A fresh ledger per start, beside the logs (the off target opens it too, and writes nothing).
      const db = `${resolve(logDir)}/${name}-${port}.db`;
      t.server = node([`${dist}/src/cli/main.js`, "serve", "--config", config, "--port", String(port)], {
        BENCH_UPSTREAM: origin,
        BENCH_DB: db,
      });
      ready = `http://127.0.0.1:${port}/healthz`;
    } else if (name === "portkey" || name === "portkey-shim") {
      const entry = name === "portkey" ? portkeyEntry() : "bench/portkey-shim.mjs";
      t.server = node([entry, "--headless", `--port=${port}`]);
      t.headers = { "x-portkey-provider": "openai", "x-portkey-custom-host": `${origin}/v1` };
      t.streamOnly = name === "portkey-shim";
    } else throw new Error(`unknown target ${name}`);
    t.url = `http://127.0.0.1:${port}${PATH}`;
    await waitHttp(ready, t.server);
    return t;
  } catch (error) {
    await t.stop();
    throw error;
  }
}
