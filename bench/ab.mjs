// A/B of switchyard targets of one build, alternated in one run: wrk -c64 after a warm-up, several rounds,
// with the server's CPU per request split by thread (main, the ledger worker, V8 helpers, libuv pool).
// Usage: npm run build && node bench/ab.mjs [--targets switchyard,switchyard-off] [--rounds 4] [--seconds 8] [--stream]
//        [--rate R]   (bench/loadgen.mjs at R requests/s instead of wrk: the tail latency at a fixed rate)
//        [--helpers-cpu N]   (after the warm-up, every thread of the server but its main thread moves to CPU N:
//                             V8's helpers, the libuv pool, the ledger's worker; the event loop keeps its core)
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadgen, wrk } from "./lib/measure.mjs";
import { CLK_TCK, stopAllSync } from "./lib/proc.mjs";
import { SWITCHYARD_CONFIGS, startTarget } from "./lib/targets.mjs";
import { median } from "./lib/summary.mjs";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "switchyard,switchyard-off" },
    rounds: { type: "string", default: "4" },
    seconds: { type: "string", default: "8" },
    stream: { type: "boolean", default: false },
    warmup: { type: "string", default: "3" },
    "node-args": { type: "string", default: "" },
    rate: { type: "string" },
    "helpers-cpu": { type: "string" },
  },
});
// A target may be name=config.yaml: a switchyard target with that configuration (for one-off comparisons).
const targets = values.targets.split(",").map((spec) => {
  const [name, config] = spec.split("=");
  if (config !== undefined) SWITCHYARD_CONFIGS[name] = config;
  return name;
});
const logDir = `bench/results/raw/ab-${new Date().toISOString().replace(/[:.]/g, "-")}`;
mkdirSync(logDir, { recursive: true });

/** wrk at c64, or with --rate the fixed-rate generator (its result in wrk's terms, with its latency percentiles). */
async function load(t, seconds, warmup) {
  if (values.rate === undefined) return wrk(t, { seconds, stream: values.stream });
  const run = await loadgen(t, { rate: Number(values.rate), seconds, warmup, stream: values.stream });
  return {
    rps: run.achieved_rps,
    requests: run.sent,
    cpu_us_per_req: run.cpu_us_per_req,
    cpu0_foreign_util: run.cpu0_foreign_util,
    latency: run.lat_ms,
  };
}

/** Context switches (all threads) and read/write syscalls of a process, from /proc. */
function switches(pid) {
  let ctx = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      ctx += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      ctx += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  const io = readFileSync(`/proc/${pid}/io`, "utf8");
  const syscalls = Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0) + Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0);
  return { ctx, syscalls };
}

/** CPU seconds per thread group of a process, from /proc/PID/task/TID/stat. */
function threads(pid) {
  const groups = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const group =
      tid === String(pid) ? "main" : name.startsWith("V8") ? "v8" : name.startsWith("libuv") ? "uv" : name;
    groups[group] = (groups[group] ?? 0) + seconds;
    // The event loop's kernel share (syscalls, wake-ups of other threads) apart from its total.
    if (group === "main") groups.mainSys = Number(fields[12]) / CLK_TCK;
  }
  return groups;
}

/**
 * Moves every thread of a process but its main thread to `cpu`, as a host with a core to spare would run
 * them. Done after the warm-up: the ledger's worker and the libuv pool start on first use, and a thread
 * started later inherits its creator's core. The server's CPU per request still counts all its threads;
 * `foreign` (other work on the server's core) is then understated, as it subtracts the helpers' CPU too.
 */
async function moveHelpers(pid, cpu) {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (tid === String(pid)) continue;
    await new Promise((resolve, reject) =>
      execFile("taskset", ["-p", "-c", cpu, tid], (error) =>
        // A thread may end between the listing and the call.
        error === null || /No such process|failed to (get|set)/.test(String(error))
          ? resolve()
          : reject(error),
      ),
    );
  }
}

const rows = Object.fromEntries(targets.map((t) => [t, []]));
process.on("exit", stopAllSync);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const name of round % 2 === 0 ? targets : [...targets].reverse()) {
    const t = await startTarget(name, logDir, values["node-args"].split(" ").filter(Boolean));
    try {
      // At a fixed rate the warm-up runs at that rate too: a saturating one would leave a backlog (the
      // ledger's queue, old-generation garbage) for the measured run to pay.
      await load(t, Number(values.warmup), 0);
      if (values["helpers-cpu"] !== undefined) await moveHelpers(t.server.pid, values["helpers-cpu"]);
      const before = threads(t.server.pid);
      const switchesBefore = switches(t.server.pid);
      // At a fixed rate the measured run's first second is left out: the generator's own connections and JIT.
      const r = await load(t, Number(values.seconds), 1);
      const after = threads(t.server.pid);
      const switchesAfter = switches(t.server.pid);
      const perRequest = (key) => ((switchesAfter[key] - switchesBefore[key]) / r.requests).toFixed(2);
      const hwm =
        Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${t.server.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
      const per = {};
      for (const [g, s] of Object.entries(after))
        per[g] = +(((s - (before[g] ?? 0)) * 1e6) / r.requests).toFixed(1);
      rows[name].push({
        rps: r.rps,
        cpu: r.cpu_us_per_req,
        foreign: r.cpu0_foreign_util,
        per,
        hwm,
        latency: r.latency,
      });
      console.log(
        name,
        round,
        r.rps,
        r.cpu_us_per_req,
        JSON.stringify(per),
        "foreign",
        r.cpu0_foreign_util,
        `peak RSS ${hwm.toFixed(0)} MB`,
        `context switches/req ${perRequest("ctx")} read+write syscalls/req ${perRequest("syscalls")}`,
        r.latency === undefined
          ? ""
          : `latency ms p50 ${r.latency.p50} p99 ${r.latency.p99} p99.9 ${r.latency.p999}`,
      );
    } finally {
      await t.stop();
    }
  }
}
for (const name of targets) {
  const rs = rows[name];
  console.log(
    `${name}: median ${median(rs.map((r) => r.rps))} req/s, ${median(rs.map((r) => r.cpu))} µs/req, main ${median(rs.map((r) => r.per.main))}, peak RSS ${median(rs.map((r) => r.hwm)).toFixed(0)} MB` +
      (values.rate === undefined
        ? ""
        : `, latency ms median p50 ${median(rs.map((r) => r.latency.p50))} p99 ${median(rs.map((r) => r.latency.p99))} p99.9 ${median(rs.map((r) => r.latency.p999))}`),
  );
}
