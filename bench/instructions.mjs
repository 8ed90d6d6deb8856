// Instructions per request of switchyard targets, per thread, counted by valgrind's callgrind. Unlike CPU time
// these counts repeat within about 1 % from run to run whatever else the machine does, so they settle what a
// wall-clock A/B on a noisy machine cannot. Each target starts under callgrind with instrumentation off, gets a
// warm-up at native speed, and is counted over a fixed number of requests (8 keep-alive connections).
// Usage: npm run build && node bench/instructions.mjs [--targets switchyard-off,switchyard,name=cfg.yaml]
//          [--requests 1000] [--warmup 4000] [--dist DIR]   (another build's dist/, for an A/B of two commits)
// Prints, per target, instructions a request on the main thread, the ledger's worker, the other threads (V8's
// helpers: garbage collection, whose share moves with timing; the libuv pool) and in all; the callgrind files stay in bench/results/raw/ for
// callgrind_annotate (compiled JavaScript shows as bare addresses there; V8's builtins, the runtime and native
// modules by name).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { freePort, start, stop, stopAllSync, waitHttp } from "./lib/proc.mjs";
import { BENCH_KEY, LOAD_CPU, SERVER_CPU, SWITCHYARD_CONFIGS } from "./lib/targets.mjs";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "switchyard-off,switchyard" },
    requests: { type: "string", default: "1000" },
    warmup: { type: "string", default: "4000" },
    dist: { type: "string", default: "dist" },
  },
});
const targets = values.targets.split(",").map((spec) => {
  const [name, config] = spec.split("=");
  if (config !== undefined) SWITCHYARD_CONFIGS[name] = config;
  if (!(name in SWITCHYARD_CONFIGS)) throw new Error(`${name} is not a switchyard target`);
  return name;
});
const requests = Number(values.requests);
const logDir = resolve(`bench/results/raw/instructions-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(logDir, { recursive: true });
process.on("exit", stopAllSync);

const body = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Say hello." }],
});

/** `count` chat completions over 8 connections; any answer but 200 stops the run. */
async function load(pool, count) {
  let sent = 0;
  const connection = async () => {
    while (sent++ < count) {
      const response = await pool.request({
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` },
        body,
      });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, connection));
}

/** Instructions of each thread in one dump (callgrind writes one file per thread with --separate-threads). */
function threadCounts(dir, pid) {
  const counts = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`callgrind.${pid}.1-`))) {
    const text = readFileSync(`${dir}/${file}`, "utf8");
    const thread = Number(/^thread: (\d+)/m.exec(text)?.[1]);
    const total = Number(/^summary: (\d+)/m.exec(text)?.[1] ?? 0);
    // Only the ledger's worker inserts while the requests are counted.
    counts.push({ thread, total, inserts: text.includes("sqlite3_step") });
  }
  return counts;
}

const results = [];
for (const name of targets) {
  const dir = `${logDir}/${name}`;
  mkdirSync(dir);
  const upPort = await freePort();
  const origin = `http://127.0.0.1:${upPort}`;
  const upstream = start("upstream", LOAD_CPU, "node", ["bench/upstream.mjs", String(upPort)], {
    log: `${dir}/upstream.log`,
  });
  const port = await freePort();
  const server = start(
    name,
    SERVER_CPU,
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--separate-threads=yes",
      `--callgrind-out-file=${dir}/callgrind.%p`,
      "node",
      `${values.dist}/src/cli/main.js`,
      "serve",
      "--config",
      SWITCHYARD_CONFIGS[name],
      "--port",
      String(port),
    ],
    { env: { BENCH_UPSTREAM: origin, BENCH_DB: `${dir}/ledger.db` }, log: `${dir}/server.log` },
  );
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  try {
    await waitHttp(`${origin}/health`, upstream);
    await waitHttp(`http://127.0.0.1:${port}/healthz`, server, 300_000);
    await load(pool, Number(values.warmup));
    // taskset execs valgrind, which runs node in its own process: the pid is the one callgrind_control knows.
    execFileSync("callgrind_control", ["--instr=on", String(server.pid)], { stdio: "ignore" });
    await load(pool, requests);
    execFileSync("callgrind_control", ["--dump", String(server.pid)], { stdio: "ignore" });
    execFileSync("callgrind_control", ["--instr=off", String(server.pid)], { stdio: "ignore" });
  } finally {
    await pool.close();
    await stop(server, 30_000);
    await stop(upstream);
  }
  const counts = threadCounts(dir, server.pid);
  const perRequest = (n) => Math.round(n / requests);
  const main = counts.find((c) => c.thread === 1)?.total ?? 0;
  const worker = counts.find((c) => c.thread !== 1 && c.inserts)?.total ?? 0;
  const all = counts.reduce((sum, c) => sum + c.total, 0);
  const row = {
    name,
    main: perRequest(main),
    worker: perRequest(worker),
    helpers: perRequest(all - main - worker),
    all: perRequest(all),
  };
  results.push(row);
  console.log(JSON.stringify(row));
}
console.log(`\ninstructions a request (${requests} requests each; files in ${logDir})`);
console.log(
  "target".padEnd(20),
  "main".padStart(10),
  "worker".padStart(10),
  "helpers".padStart(10),
  "all".padStart(10),
);
for (const r of results)
  console.log(
    r.name.padEnd(20),
    ...[r.main, r.worker, r.helpers, r.all].map((n) => n.toLocaleString("en").padStart(10)),
  );
