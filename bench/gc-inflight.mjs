// Why the gateway keeps no per-request Map or Set on its hot path (docs/architecture.md, "Hot-path choices").
// A minimal node:http + undici proxy, run three ways under wrk -c64: tracking nothing, tracking its in-flight
// responses in a Set (add on request, delete on close), and in the gateway's own swap-remove array
// (src/http/in-flight.ts, from dist: npm run build first). Prints throughput and, from --trace-gc-nvp,
// what each young-generation collection kept and promoted.
// Usage: node bench/gc-inflight.mjs [--seconds 10]       (server mode, used by itself: --serve PORT UPSTREAM MODE)
import http from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { InFlight } from "../dist/src/http/in-flight.js";

const { values: opt } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, serve: { type: "boolean", default: false } },
  allowPositionals: true,
  strict: false,
});

if (opt.serve) serve(...process.argv.slice(process.argv.indexOf("--serve") + 1));
else await compare();

function serve(port, upstream, mode) {
  const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  const set = new Set();
  const array = new InFlight();
  const track = (res) => {
    if (mode === "set") {
      set.add(res);
      res.once("close", () => set.delete(res));
    } else if (mode === "array") {
      const slot = array.add(res);
      res.once("close", () => array.delete(slot));
    }
  };
  http
    .createServer((req, res) => {
      track(res);
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        const body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString()), user: "bench" });
        const answer = [];
        pool.dispatch(
          {
            method: "POST",
            path: "/v1/chat/completions",
            headers: { "content-type": "application/json" },
            body,
          },
          {
            onConnect() {},
            onHeaders: () => true,
            onData: (chunk) => answer.push(chunk) > 0,
            onComplete() {
              const out = JSON.stringify({ ...JSON.parse(Buffer.concat(answer).toString()), id: "proxied" });
              res.writeHead(200, {
                "content-type": "application/json",
                "content-length": Buffer.byteLength(out),
              });
              res.end(out);
            },
            onError(error) {
              res.destroy(error);
            },
          },
        );
      });
    })
    .listen(Number(port), "127.0.0.1");
}

async function compare() {
  process.chdir(new URL("..", import.meta.url).pathname);
  const { wrk } = await import("./lib/measure.mjs");
  const { freePort, start, stop, stopAllSync, waitHttp } = await import("./lib/proc.mjs");
  const { LOAD_CPU, SERVER_CPU } = await import("./lib/targets.mjs");
  process.on("exit", stopAllSync);
  const dir = `bench/results/raw/gc-inflight-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  mkdirSync(dir, { recursive: true });
  for (const mode of ["none", "set", "array"]) {
    const upPort = await freePort();
    const upstream = start("upstream", LOAD_CPU, "node", ["bench/upstream.mjs", String(upPort)], {
      log: `${dir}/upstream.log`,
    });
    await waitHttp(`http://127.0.0.1:${upPort}/health`, upstream);
    const port = await freePort();
    const log = `${dir}/${mode}.log`;
    const args = [
      "--trace-gc-nvp",
      "bench/gc-inflight.mjs",
      "--serve",
      String(port),
      `http://127.0.0.1:${upPort}`,
      mode,
    ];
    const server = start(mode, SERVER_CPU, "node", args, { log });
    const t = {
      name: mode,
      upstream,
      server,
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: {},
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await wrk(t, { seconds: 3 });
      const skip = scavenges(log).length;
      const r = await wrk(t, { seconds: Number(opt.seconds) });
      const gcs = scavenges(log).slice(skip);
      const mean = (key) => gcs.reduce((sum, gc) => sum + gc[key], 0) / Math.max(1, gcs.length);
      console.log(
        `${mode.padEnd(6)} ${String(r.rps).padStart(8)} req/s  ${r.cpu_us_per_req} µs CPU/req  ` +
          `${gcs.length} scavenges: kept ${(mean("new_space_survived") / 1024).toFixed(0)} KB, ` +
          `promoted ${(mean("promoted") / 1024).toFixed(0)} KB, pause ${mean("pause").toFixed(1)} ms each`,
      );
    } finally {
      await stop(server);
      await stop(upstream);
    }
  }
}

function scavenges(log) {
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.includes(" gc=s "))
    .map((line) =>
      Object.fromEntries(
        line
          .split(" ")
          .map((kv) => kv.split("="))
          .filter((kv) => kv.length === 2)
          .map(([k, v]) => [k, Number(v)]),
      ),
    );
}
