// Open-loop fixed-rate load generator on undici, timing in microseconds (wrk has no fixed-rate mode).
//   node bench/loadgen.mjs --url URL --rate 500 --duration 10 [--warmup 2] [--stream] [--conns 64]
//                          [--key KEY] [-H 'name: value']...
// Requests leave on a fixed schedule whatever the completions do. Requests sent during the warm-up are
// not measured. Per request: lat = end of body - send; ttfb = first body chunk - send (for SSE the first
// event); sched = end of body - scheduled send (includes the generator's own timer lag).
// Prints one JSON line on stdout.
import { Pool } from "undici";

const opt = { rate: 500, duration: 10, warmup: 2, conns: 64, stream: false, key: "sk-bench", headers: {} };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => argv[++i];
  if (a === "--url") opt.url = next();
  else if (a === "--rate") opt.rate = Number(next());
  else if (a === "--duration") opt.duration = Number(next());
  else if (a === "--warmup") opt.warmup = Number(next());
  else if (a === "--conns") opt.conns = Number(next());
  else if (a === "--key") opt.key = next();
  else if (a === "--stream") opt.stream = true;
  else if (a === "-H") {
    const [name, ...value] = next().split(":");
    opt.headers[name.trim().toLowerCase()] = value.join(":").trim();
  } else throw new Error(`loadgen: unknown argument ${a}`);
}

const url = new URL(opt.url);
const pool = new Pool(url.origin, {
  connections: opt.conns,
  pipelining: 1,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
});
const body = JSON.stringify({
  model: "gpt-4o-mini",
  ...(opt.stream ? { stream: true } : {}),
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Say hello in one short sentence." },
  ],
  max_tokens: 32,
  temperature: 0,
});
const headers = { "content-type": "application/json", authorization: `Bearer ${opt.key}`, ...opt.headers };
const request = { path: url.pathname + url.search, method: "POST", headers, body };

const us = () => Number(process.hrtime.bigint() / 1000n);
const interval = 1e6 / opt.rate;
const total = Math.round(opt.rate * (opt.warmup + opt.duration));
const warmN = Math.round(opt.rate * opt.warmup);
const rec = { lat: [], ttfb: [], sched: [] };
const statuses = {};
let sent = 0;
let done = 0;
let errors = 0;
let events = 0;
let maxLagUs = 0;
let start = 0;
let finished = false;

async function fire(index, scheduled) {
  const t0 = us();
  maxLagUs = Math.max(maxLagUs, t0 - scheduled);
  try {
    const res = await pool.request(request);
    let first = 0;
    let n = 0;
    for await (const chunk of res.body) {
      if (!first) first = us();
      if (opt.stream) for (let k = chunk.indexOf("data:"); k !== -1; k = chunk.indexOf("data:", k + 1)) n++;
    }
    const end = us();
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode < 300 && index >= warmN) {
      rec.lat.push(end - t0);
      rec.ttfb.push((first || end) - t0);
      rec.sched.push(end - scheduled);
      events += n;
    }
  } catch {
    errors++;
  }
  if (++done === total) finish();
}

function tick() {
  const now = us();
  while (sent < total && start + sent * interval <= now) {
    void fire(sent, start + sent * interval);
    sent++;
  }
  if (sent < total) setTimeout(tick, Math.max(0, (start + sent * interval - us()) / 1000 - 0.3));
}

function stats(values) {
  const a = Float64Array.from(values).sort();
  const at = (p) =>
    a.length ? +(a[Math.min(a.length - 1, Math.floor(p * a.length))] / 1000).toFixed(3) : null;
  const mean = a.length ? a.reduce((s, x) => s + x, 0) / a.length / 1000 : null;
  const max = a.length ? a[a.length - 1] / 1000 : null;
  return {
    n: a.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max,
    mean: mean && +mean.toFixed(3),
  };
}

function finish() {
  if (finished) return;
  finished = true;
  const wall = (us() - start) / 1e6;
  const non2xx = Object.entries(statuses).reduce((s, [code, n]) => s + (Number(code) >= 300 ? n : 0), 0);
  const out = {
    url: opt.url,
    rate: opt.rate,
    stream: opt.stream,
    duration_s: opt.duration,
    warmup_s: opt.warmup,
    sent,
    completed: done,
    measured: rec.lat.length,
    errors,
    non2xx,
    unfinished: sent - done,
    statuses,
    achieved_rps: +(sent / wall).toFixed(1),
    max_timer_lag_ms: +(maxLagUs / 1000).toFixed(3),
    sse_events_per_req: opt.stream && rec.lat.length ? +(events / rec.lat.length).toFixed(2) : undefined,
    lat_ms: stats(rec.lat),
    ttfb_ms: stats(rec.ttfb),
    sched_lat_ms: stats(rec.sched),
  };
  console.log(JSON.stringify(out));
  void pool.destroy().then(() => process.exit(0));
}

setTimeout(finish, (opt.warmup + opt.duration + 20) * 1000).unref();
start = us();
tick();
