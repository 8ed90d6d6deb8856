// The floor: the least a Node.js gateway can do. node:http server + undici Pool pass-through:
// buffer the request body, forward it, stream the upstream response back unchanged.
// Usage: node bench/floor.mjs PORT UPSTREAM_ORIGIN   (listens on 127.0.0.1; SIGTERM exits)
import http from "node:http";
import { Pool } from "undici";

const port = Number(process.argv[2] ?? 19100);
const upstream = process.argv[3] ?? "http://127.0.0.1:19000";
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
const hop = new Set(["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"]);

function forward(req, res, body) {
  const headers = {};
  for (const k in req.headers) if (!hop.has(k) && k !== "content-length") headers[k] = req.headers[k];
  pool.stream(
    { path: req.url, method: req.method, headers, body },
    ({ statusCode, headers: h }) => {
      const out = {};
      for (const k in h) if (!hop.has(k)) out[k] = h[k];
      res.writeHead(statusCode, out);
      return res;
    },
    (err) => {
      if (!err) return;
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502, { "content-type": "application/json" }).end('{"error":"bad gateway"}');
    },
  );
}

const server = http.createServer((req, res) => {
  const parts = [];
  req.on("data", (d) => parts.push(d));
  req.on("end", () => forward(req, res, parts.length === 1 ? parts[0] : Buffer.concat(parts)));
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
