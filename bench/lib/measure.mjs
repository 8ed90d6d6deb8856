// One measurement = one wrk run (closed loop, max throughput) or one loadgen run (open loop, fixed rate),
// with the CPU time the server under test spent during it.
import { request } from "undici";
import { cpuBusySeconds, cpuSeconds, machineBusy, run } from "./proc.mjs";
import { BENCH_KEY, LOAD_CPU, SERVER_CPU } from "./targets.mjs";

// The machine is shared: before each measurement, wait (within a budget for the whole run) until the other
// processes leave it mostly idle. What they still take from the server's core is recorded per run.
const quiet = { budgetMs: 0, waitedMs: 0, threshold: 0.15 };
export const setQuietBudget = (seconds) => (quiet.budgetMs = seconds * 1000);
export const quietWaitedSeconds = () => Math.round(quiet.waitedMs / 1000);
async function waitQuiet() {
  for (;;) {
    const start = performance.now();
    const busy = await machineBusy(500);
    if (busy <= quiet.threshold || quiet.waitedMs >= quiet.budgetMs) return +busy.toFixed(3);
    quiet.waitedMs += performance.now() - start;
  }
}

const headerArgs = (headers) => Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);

// CPU time of the server and the upstream during a run, and how busy SERVER_CPU was with anything else
// (`foreign`: other processes or interrupts on the server's core; high values mean a disturbed run).
function cpuDuring(t) {
  const s0 = cpuSeconds(t.server.pid);
  const u0 = cpuSeconds(t.upstream.pid);
  const c0 = cpuBusySeconds(SERVER_CPU);
  const w0 = performance.now();
  return () => {
    const server = cpuSeconds(t.server.pid) - s0;
    const wall = (performance.now() - w0) / 1000;
    const foreign = cpuBusySeconds(SERVER_CPU) - c0 - server;
    return {
      server,
      upstream: cpuSeconds(t.upstream.pid) - u0,
      foreign_util: +(Math.max(0, foreign) / wall).toFixed(3),
    };
  };
}

/** wrk -c conns for `seconds`; returns requests/s, errors, and server CPU µs per request. */
export async function wrk(t, { seconds, conns = 64, stream = false }) {
  const machine_busy_before = await waitQuiet();
  const cpu = cpuDuring(t);
  const args = ["-c", String(LOAD_CPU), "wrk", "-t1", `-c${conns}`, `-d${seconds}s`, "--timeout", "10s"];
  args.push("-s", "bench/post.lua", ...headerArgs(t.headers), t.url);
  const out = await run("taskset", args, { env: { STREAM: stream ? "1" : "0", BENCH_KEY } });
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) throw new Error(`wrk printed no result:\n${out}`);
  const w = JSON.parse(line.slice(8));
  const used = cpu();
  const errors = w.err_connect + w.err_read + w.err_write + w.err_timeout;
  return {
    rps: +(w.requests / (w.duration_us / 1e6)).toFixed(1),
    requests: w.requests,
    non2xx: w.err_status,
    errors,
    ok_rps: +((w.requests - w.err_status) / (w.duration_us / 1e6)).toFixed(1),
    cpu_us_per_req: w.requests ? +((used.server * 1e6) / w.requests).toFixed(1) : null,
    server_cpu_util: +(used.server / (w.duration_us / 1e6)).toFixed(3),
    upstream_cpu_util: +(used.upstream / (w.duration_us / 1e6)).toFixed(3),
    cpu0_foreign_util: used.foreign_util,
    machine_busy_before,
    wrk_p50_ms: w.lat_p50_ms,
    wrk_p99_ms: w.lat_p99_ms,
  };
}

/** bench/loadgen.mjs at a fixed rate; returns its JSON plus server CPU µs per request. */
export async function loadgen(t, { rate, seconds, warmup, stream = false }) {
  const machine_busy_before = await waitQuiet();
  const cpu = cpuDuring(t);
  const args = ["-c", String(LOAD_CPU), "node", "bench/loadgen.mjs", "--url", t.url, "--key", BENCH_KEY];
  args.push("--rate", String(rate), "--duration", String(seconds), "--warmup", String(warmup));
  if (stream) args.push("--stream");
  const out = JSON.parse(await run("taskset", [...args, ...headerArgs(t.headers)]));
  const used = cpu();
  out.cpu_us_per_req = out.sent ? +((used.server * 1e6) / out.sent).toFixed(1) : null;
  out.cpu0_foreign_util = used.foreign_util;
  out.machine_busy_before = machine_busy_before;
  return out;
}

/** One plain and one streaming request, to see that the target answers at all (and how). */
export async function sanity(t) {
  const one = async (stream) => {
    const body = JSON.stringify({
      model: "gpt-4o-mini",
      ...(stream ? { stream: true } : {}),
      messages: [{ role: "user", content: "Say hello in one short sentence." }],
    });
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${BENCH_KEY}`,
      ...t.headers,
    };
    try {
      const res = await request(t.url, { method: "POST", headers, body, headersTimeout: 15_000 });
      const text = await res.body.text();
      const events = (text.match(/^data:/gm) ?? []).length;
      const pick = Object.entries(res.headers).filter(
        ([k]) => k.startsWith("x-switchyard") || k === "content-type",
      );
      return {
        status: res.statusCode,
        headers: Object.fromEntries(pick),
        // 20 events: the upstream's role, 17 tokens, finish and [DONE] (its usage chunk is optional: a gateway may
        // drop it when the client did not ask for stream_options.include_usage, as OpenAI does).
        ok: res.statusCode === 200 && (!stream || (events >= 20 && text.includes("data: [DONE]"))),
        ...(stream ? { sse_events: events, usage_chunk: text.includes('"usage":{') } : {}),
        body_head: text.slice(0, stream ? 300 : 500),
      };
    } catch (error) {
      return { status: 0, ok: false, error: String(error) };
    }
  };
  return { plain: await one(false), stream: await one(true) };
}
