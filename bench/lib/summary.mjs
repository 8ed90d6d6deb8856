// Derived figures: latency added over direct, ratios to the floor and to Portkey, and the targets.
export const median = (xs) => {
  const a = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return null;
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
const r3 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : +x.toFixed(3));
const sub = (a, b) => (a === null || a === undefined || b === null || b === undefined ? null : r3(a - b));
const div = (a, b) => (a && b ? +(a / b).toFixed(3) : null);

export function summarize(results) {
  const T = results.targets;
  const direct = T.direct;
  const rates = results.params.rates;
  const added = {};
  const ttfbAdded = {};
  const ratios = {};
  const floorRps = T.floor?.throughput?.median.ok_rps;
  const portkeyRps = T.portkey?.throughput?.median.ok_rps;
  for (const [name, t] of Object.entries(T)) {
    if (t.status !== "ok") continue;
    if (t.latency && direct?.latency) {
      added[name] = {};
      for (const rate of rates) {
        const m = t.latency[rate]?.median;
        const d = direct.latency[rate]?.median;
        added[name][rate] = { p50: sub(m?.p50, d?.p50), p99: sub(m?.p99, d?.p99) };
      }
    }
    if (t.ttfb && direct?.ttfb) {
      const m = t.ttfb.median;
      const d = direct.ttfb.median;
      ttfbAdded[name] = { p50: sub(m.ttfb_p50, d.ttfb_p50), p99: sub(m.ttfb_p99, d.ttfb_p99) };
    }
    const rps = t.throughput?.median.ok_rps;
    ratios[name] = { rps_vs_floor: div(rps, floorRps), rps_vs_portkey: div(rps, portkeyRps) };
  }
  return { added, ttfb_added: ttfbAdded, ratios, checks: checks(results, added, ttfbAdded, ratios) };
}

function checks(results, added, ttfbAdded, ratios) {
  const sy = results.targets.switchyard;
  const out = [];
  const check = (text, value, pass, unit = "") =>
    out.push({
      text,
      value: value ?? null,
      unit,
      pass: value === null || value === undefined ? null : pass(value),
    });
  check(
    "throughput at c64 ≥ 85 % of the floor's",
    ratios.switchyard?.rps_vs_floor,
    (v) => v >= 0.85,
    "× floor",
  );
  check("throughput at c64 ≥ 15× Portkey's", ratios.switchyard?.rps_vs_portkey, (v) => v >= 15, "× portkey");
  check("CPU per request at c64 ≤ 50 µs", sy?.throughput?.median.cpu_us_per_req, (v) => v <= 50, "µs");
  for (const rate of [500, 1000]) {
    const s = added.switchyard?.[rate];
    const f = added.floor?.[rate];
    check(
      `added p50 at ${rate} req/s within 0.1 ms of the floor's`,
      sub(s?.p50, f?.p50),
      (v) => v <= 0.1,
      "ms",
    );
    check(
      `added p99 at ${rate} req/s within 0.5 ms of the floor's`,
      sub(s?.p99, f?.p99),
      (v) => v <= 0.5,
      "ms",
    );
  }
  const tt = sub(ttfbAdded.switchyard?.p50, ttfbAdded.floor?.p50);
  check("streaming TTFB added (p50) within 0.2 ms of the floor's", tt, (v) => v <= 0.2, "ms");
  check("peak RSS under load ≤ 150 MB", sy?.rss_peak_mb, (v) => v <= 150, "MB");
  const soak = results.soak;
  const growth = soak ? +((100 * soak.growth_mb) / soak.rss_early_mb).toFixed(1) : null;
  const soakText = soak ? `at ${soak.early_s} s vs ${soak.total_s} s` : "(not run)";
  check(`no RSS growth in the soak ${soakText} (≤ +5 %)`, growth, (v) => v <= 5, "%");
  const soakBad = soak ? soak.loadgen.errors + soak.loadgen.non2xx + soak.loadgen.unfinished : 0;
  const bad = sy?.status === "ok" ? badCount(sy) + soakBad : null;
  check("no errors and no non-2xx in any switchyard run", bad, (v) => v === 0, "bad responses");
  return out;
}

function badCount(t) {
  let n = 0;
  for (const r of t.throughput?.runs ?? []) n += r.errors + r.non2xx;
  for (const r of t.stream_throughput?.runs ?? []) n += r.errors + r.non2xx;
  for (const l of Object.values(t.latency ?? {}))
    for (const r of l.runs) n += r.errors + r.non2xx + r.unfinished;
  for (const r of t.ttfb?.runs ?? []) n += r.errors + r.non2xx + r.unfinished;
  if (!t.sanity?.stream.ok || !t.sanity?.plain.ok) n += 1;
  return n;
}
