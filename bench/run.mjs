// npm run bench [-- --quick] [-- --no-soak] [-- --targets direct,floor,switchyard] [-- --reps N]
//               [-- --soak-early S --soak-total S] [-- --publish | --no-publish]
// Measures direct, floor, switchyard, portkey (and portkey-shim for streaming) behind the same bench
// upstream, writes bench/results/raw/<stamp>/ and, for a full run of every target, bench/RESULTS.md and
// bench/results/latest.json. See bench/README.md.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { machineInfo } from "./lib/machine.mjs";
import { loadgen, quietWaitedSeconds, sanity, setQuietBudget, wrk } from "./lib/measure.mjs";
import { cpuSeconds, memMB, sleep, stopAllSync } from "./lib/proc.mjs";
import { render } from "./lib/report.mjs";
import { summarize, median } from "./lib/summary.mjs";
import {
  ALL_TARGETS,
  DESCRIPTIONS,
  LOAD_CPU,
  SWITCHYARD_CONFIGS,
  startTarget,
  useSwitchyardBuild,
} from "./lib/targets.mjs";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "no-soak": { type: "boolean", default: false },
    targets: { type: "string" },
    reps: { type: "string" },
    "soak-early": { type: "string" },
    "soak-total": { type: "string" },
    publish: { type: "boolean" },
    "no-publish": { type: "boolean", default: false },
  },
});
const P = flags.quick
  ? {
      warm: 1,
      dur: 2,
      reps: 1,
      latDur: 2,
      latWarm: 1,
      streamDur: 2,
      ttfbDur: 2,
      soakEarly: 5,
      soakTotal: 15,
      soakEvery: 1,
    }
  : {
      warm: 5,
      dur: 10,
      reps: 3,
      latDur: 10,
      latWarm: 2,
      streamDur: 5,
      ttfbDur: 10,
      soakEarly: 60,
      soakTotal: 300,
      soakEvery: 5,
    };
Object.assign(P, {
  quietBudget: flags.quick ? 30 : 300,
  conns: 64,
  rates: [500, 1000, 2000],
  streamRate: 200,
  soakRate: 1000,
});
if (flags.reps) P.reps = Number(flags.reps);
if (flags["soak-early"]) P.soakEarly = Number(flags["soak-early"]);
if (flags["soak-total"]) P.soakTotal = Number(flags["soak-total"]);
const targets = flags.targets ? flags.targets.split(",") : ALL_TARGETS;
const soak = !flags["no-soak"] && targets.includes("switchyard");
const usesSwitchyard = targets.some((name) => name in SWITCHYARD_CONFIGS);
const publish =
  flags.publish ?? (!flags.quick && !flags["no-publish"] && targets.length === ALL_TARGETS.length);

process.chdir(new URL("..", import.meta.url).pathname);
execFileSync("taskset", ["-a", "-p", "-c", String(LOAD_CPU), String(process.pid)], { stdio: "ignore" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => (stopAllSync(), process.exit(130)));
process.on("exit", stopAllSync);
if (!existsSync("/usr/bin/wrk") && !existsSync("/usr/local/bin/wrk")) {
  console.error("bench: wrk is required: apt-get update && apt-get install -y wrk");
  process.exit(1);
}
if (usesSwitchyard && !existsSync("dist/src/cli/main.js")) {
  console.error("bench: dist/ is missing: run `npm run build` (npm run bench does it first)");
  process.exit(1);
}

const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
const raw = `bench/results/raw/${stamp}${flags.quick ? "-quick" : ""}`;
mkdirSync(`${raw}/logs`, { recursive: true });
if (usesSwitchyard) {
  // src/ may be rebuilt by others while the bench runs: measure a copy of today's build throughout.
  cpSync("dist", `${raw}/dist`, { recursive: true });
  useSwitchyardBuild(`${raw}/dist`);
}
const t0 = Date.now();
const log = (msg) => {
  const line = `[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`;
  console.log(line);
  appendFileSync(`${raw}/run.log`, line + "\n");
};
const brief = (o) => JSON.stringify(o).slice(0, 240);

async function reps(label, fn) {
  const runs = [];
  for (let i = 1; i <= P.reps; i++) {
    runs.push(await fn());
    log(`  ${label} #${i}: ${brief(runs.at(-1))}`);
  }
  return runs;
}

const pickLoad = (r) => ({
  p50: r.lat_ms.p50,
  p99: r.lat_ms.p99,
  ttfb_p50: r.ttfb_ms.p50,
  ttfb_p99: r.ttfb_ms.p99,
  cpu_us_per_req: r.cpu_us_per_req,
  bad: r.errors + r.non2xx + r.unfinished,
  achieved_rps: r.achieved_rps,
  cpu0_foreign_util: r.cpu0_foreign_util,
});
const medianOf = (runs) =>
  Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));

async function measure(name) {
  const started = Date.now();
  const res = { name, status: "ok", description: DESCRIPTIONS[name], phases_s: {} };
  let t;
  // The peak RSS so far after each phase, so a high peak can be traced to the load that made it.
  res.rss_peak_after_mb = {};
  const phase = async (key, fn) => {
    const s = Date.now();
    await fn();
    res.phases_s[key] = Math.round((Date.now() - s) / 1000);
    res.rss_peak_after_mb[key] = memMB(t.server.pid, "VmHWM");
  };
  try {
    t = await startTarget(name, `${raw}/logs`);
  } catch (error) {
    log(`${name}: could not start: ${error.message}`);
    return { name, status: "unavailable", error: error.message };
  }
  try {
    res.rss_idle_mb = memMB(t.server.pid, "VmRSS");
    res.sanity = await sanity(t);
    log(`${name}: pid ${t.server.pid}, sanity ${brief(res.sanity)}`);
    if (!t.streamOnly && res.sanity.plain.ok) {
      await phase("throughput", async () => {
        await wrk(t, { seconds: P.warm });
        res.throughput = { runs: await reps(`c${P.conns}`, () => wrk(t, { seconds: P.dur })) };
        res.throughput.median = medianOf(res.throughput.runs);
      });
      await phase("latency", async () => {
        res.latency = {};
        for (const rate of P.rates) {
          const go = () => loadgen(t, { rate, seconds: P.latDur, warmup: P.latWarm });
          const runs = await reps(`${rate} req/s`, go);
          res.latency[rate] = { runs, median: medianOf(runs.map(pickLoad)) };
        }
      });
    }
    if (res.sanity.stream.ok) {
      await phase("streaming", async () => {
        await wrk(t, { seconds: P.warm, stream: true });
        const runs = await reps(`stream c${P.conns}`, () => wrk(t, { seconds: P.streamDur, stream: true }));
        res.stream_throughput = { runs, median: medianOf(runs) };
        const go = () =>
          loadgen(t, { rate: P.streamRate, seconds: P.ttfbDur, warmup: P.latWarm, stream: true });
        const ttfb = await reps(`stream ${P.streamRate} req/s`, go);
        res.ttfb = { runs: ttfb, median: medianOf(ttfb.map(pickLoad)) };
      });
    } else {
      res.stream_failure = res.sanity.stream;
      log(`${name}: streaming FAILS (HTTP ${res.sanity.stream.status}); not measured`);
    }
    res.rss_peak_mb = memMB(t.server.pid, "VmHWM");
    res.rss_end_mb = memMB(t.server.pid, "VmRSS");
    res.upstream_rss_peak_mb = memMB(t.upstream.pid, "VmHWM");
    res.cpu_total_s = +cpuSeconds(t.server.pid).toFixed(2);
  } catch (error) {
    log(`${name}: failed: ${error.stack}`);
    Object.assign(res, { status: "failed", error: error.message });
  } finally {
    await t.stop();
  }
  res.server_log = logSummary(`${raw}/logs/${name}.log`);
  res.elapsed_s = Math.round((Date.now() - started) / 1000);
  log(
    `${name}: done in ${res.elapsed_s} s, peak RSS ${res.rss_peak_mb} MB, log lines ${res.server_log.lines}`,
  );
  return res;
}

function logSummary(file) {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  return { lines: lines.length, head: lines.slice(0, 5).map((l) => l.slice(0, 300)) };
}

async function soakRun() {
  log(`soak: switchyard at ${P.soakRate} req/s for ${P.soakTotal} s, RSS at ${P.soakEarly} s vs the end`);
  const t = await startTarget("switchyard", `${raw}/logs`);
  const out = { rate: P.soakRate, early_s: P.soakEarly, total_s: P.soakTotal, samples: [] };
  try {
    const started = Date.now();
    const lg = loadgen(t, { rate: P.soakRate, seconds: P.soakTotal - P.latWarm, warmup: P.latWarm });
    let done = false;
    void lg.finally(() => (done = true));
    while (!done && (Date.now() - started) / 1000 < P.soakTotal + 30) {
      const s = (Date.now() - started) / 1000;
      out.samples.push({
        t_s: +s.toFixed(1),
        rss_mb: memMB(t.server.pid, "VmRSS"),
        cpu_s: +cpuSeconds(t.server.pid).toFixed(2),
      });
      await sleep(P.soakEvery * 1000);
    }
    const r = await lg;
    out.loadgen = {
      sent: r.sent,
      errors: r.errors,
      non2xx: r.non2xx,
      unfinished: r.unfinished,
      lat_ms: r.lat_ms,
    };
    out.rss_peak_mb = memMB(t.server.pid, "VmHWM");
  } finally {
    await t.stop();
  }
  const inLoad = out.samples.filter((s) => s.t_s <= P.soakTotal);
  // RSS at a checkpoint = the median of the samples around it (GC makes single samples jumpy).
  const w = 2 * P.soakEvery;
  const around = (from, to) =>
    median(inLoad.filter((s) => s.t_s >= from && s.t_s <= to).map((s) => s.rss_mb));
  out.rss_early_mb = around(P.soakEarly - w, P.soakEarly + w);
  out.rss_end_mb = around(P.soakTotal - 2 * w, P.soakTotal);
  out.growth_mb = +(out.rss_end_mb - out.rss_early_mb).toFixed(1);
  const tail = inLoad.filter((s) => s.t_s >= P.soakEarly);
  out.slope_mb_per_min = +(
    60 *
    slope(
      tail.map((s) => s.t_s),
      tail.map((s) => s.rss_mb),
    )
  ).toFixed(2);
  log(
    `soak: RSS ${out.rss_early_mb} MB at ${P.soakEarly} s, ${out.rss_end_mb} MB at ${P.soakTotal} s; ${brief(out.loadgen)}`,
  );
  return out;
}

function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

setQuietBudget(P.quietBudget);
const results = { date: new Date().toISOString(), mode: flags.quick ? "quick" : "full", params: P };
results.machine = machineInfo();
log(`bench ${results.mode}: targets ${targets.join(", ")}${soak ? " + soak" : ""}; raw output in ${raw}`);
results.targets = {};
for (const name of targets) results.targets[name] = await measure(name);
if (soak && results.targets.switchyard?.status === "ok") {
  const s = Date.now();
  results.soak = await soakRun();
  results.soak.elapsed_s = Math.round((Date.now() - s) / 1000);
}
results.summary = summarize(results);
results.quiet_waited_s = quietWaitedSeconds();
results.elapsed_s = Math.round((Date.now() - t0) / 1000);

const json = JSON.stringify(results, null, 2) + "\n";
writeFileSync(`${raw}/results.json`, json);
writeFileSync(`${raw}/RESULTS.md`, render(results, ""));
if (publish) {
  const previous = existsSync("bench/RESULTS.md") ? readFileSync("bench/RESULTS.md", "utf8") : "";
  writeFileSync("bench/results/latest.json", json);
  writeFileSync("bench/RESULTS.md", render(results, previous));
}
console.log("\n" + (readFileSync(`${raw}/RESULTS.md`, "utf8").split("<!-- table -->")[1] ?? ""));
log(
  `done in ${results.elapsed_s} s: ${raw}/${publish ? " and bench/RESULTS.md, bench/results/latest.json" : ""}`,
);
process.exit(0);
