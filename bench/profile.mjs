// Profiles the hot path: runs a target under `node --cpu-prof` at c64 with wrk and prints where the CPU goes.
//   npm run build && node bench/profile.mjs [--target switchyard|floor] [--seconds 15] [--stream] [--top 30]
//   node bench/profile.mjs --summarize FILE.cpuprofile     (only summarize an existing profile)
// Output: bench/results/raw/profile-<stamp>/ (the .cpuprofile, loadable in Chrome DevTools, and profile.txt).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { wrk } from "./lib/measure.mjs";
import { stop, stopAllSync } from "./lib/proc.mjs";
import { SWITCHYARD_CONFIGS, startTarget } from "./lib/targets.mjs";

const { values: opt } = parseArgs({
  options: {
    target: { type: "string", default: "switchyard" },
    seconds: { type: "string", default: "15" },
    stream: { type: "boolean", default: false },
    top: { type: "string", default: "30" },
    summarize: { type: "string" },
  },
});
process.chdir(new URL("..", import.meta.url).pathname);
process.on("exit", stopAllSync);
const hrUs = () => Number(process.hrtime.bigint() / 1000n);

if (opt.summarize) {
  console.log(summarize(JSON.parse(readFileSync(opt.summarize, "utf8")), null, Number(opt.top)));
  process.exit(0);
}
const dir = `bench/results/raw/profile-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
mkdirSync(dir, { recursive: true });
const [targetName, targetConfig] = opt.target.split("=");
if (targetConfig !== undefined) SWITCHYARD_CONFIGS[targetName] = targetConfig;
const t = await startTarget(targetName, dir, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
await wrk(t, { seconds: 3, stream: opt.stream }); // warm-up, left out of the summary
const window = [hrUs()];
const result = await wrk(t, { seconds: Number(opt.seconds), stream: opt.stream });
window.push(hrUs());
await stop(t.server, 15_000); // a clean exit writes the profile
await t.stop();
const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error(`no .cpuprofile in ${dir}: did ${opt.target} exit cleanly? see its log there`);
const head = `${opt.target} at c64${opt.stream ? " (stream)" : ""} for ${opt.seconds} s: ${JSON.stringify(result)}\n`;
const text = head + summarize(JSON.parse(readFileSync(`${dir}/${file}`, "utf8")), window, Number(opt.top));
writeFileSync(`${dir}/profile.txt`, text);
console.log(text + `\nprofile: ${dir}/${file}`);

/** Self time by area and by function, and total (inclusive) time of the project's own functions. */
function summarize(profile, window, top) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  const byArea = new Map();
  const add = (map, key, dt) => map.set(key, (map.get(key) ?? 0) + dt);
  let ts = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    ts += dt;
    if (window && (ts < window[0] || ts > window[1])) continue;
    const node = nodes.get(profile.samples[i]);
    if (node.callFrame.functionName === "(idle)") continue;
    busy += dt;
    add(self, label(node.callFrame), dt);
    add(byArea, area(node.callFrame.url, node.callFrame.functionName), dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const cf = nodes.get(id).callFrame;
      if (!cf.url.includes("/dist/src/")) continue;
      const key = label(cf);
      if (seen.has(key)) continue;
      seen.add(key);
      add(total, key, dt);
    }
  }
  if (window && busy === 0) return summarize(profile, null, top); // clocks did not line up: use everything
  const pct = (x) => `${((100 * x) / busy).toFixed(1).padStart(5)} %`;
  const list = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v)}  ${k}`);
  return [
    `busy ${(busy / 1e6).toFixed(2)} s sampled${window ? " (measured window only)" : ""}`,
    "\nself time by area:",
    ...list(byArea, 15),
    `\ntop ${top} functions by self time:`,
    ...list(self, top),
    `\ntop ${top} switchyard functions (dist/src) by total time, callees included:`,
    ...list(total, top),
  ].join("\n");
}

function area(url, fn) {
  if (!url) return fn === "(garbage collector)" ? "GC" : `(${fn.replace(/[()]/g, "") || "native"})`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.includes("/dist/src/"))
    return "switchyard " + url.slice(url.indexOf("/dist/src/") + 10).split("/")[0] + "/";
  if (url.startsWith("node:")) return "node " + url.replace("node:internal/", "").split("/")[0];
  return url.split("/").slice(-2).join("/");
}

function label(cf) {
  const where = cf.url.includes("/dist/src/")
    ? cf.url.slice(cf.url.indexOf("/dist/src/") + 10)
    : cf.url.replace(/^.*node_modules\//, "").replace("node:internal/", "node:");
  return `${cf.functionName || "(anonymous)"}${where ? `  ${where}:${cf.lineNumber + 1}` : ""}`;
}
