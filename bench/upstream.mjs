// The bench upstream: a minimal OpenAI-style chat completions responder on node:http, no delays.
//   POST .../chat/completions                 -> a small chat.completion JSON with usage
//   POST ... with "stream": true              -> 20 SSE chunks (role, 17 tokens, finish, usage) + data: [DONE]
//   GET  /  or /health                        -> ok
// Usage: node bench/upstream.mjs PORT   (listens on 127.0.0.1; SIGTERM exits)
import http from "node:http";

const port = Number(process.argv[2] ?? 19000);
const created = 1730000000;
const model = "gpt-4o-mini-2024-07-18";

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench000000000000000000001",
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello! How can I help you today?", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 },
    system_fingerprint: "fp_bench",
  }),
);

const tokens = ["Hello", "!", " How", " can", " I", " help", " you", " today", "?"];
tokens.push(" I", " am", " a", " bench", " upstream", " for", " Switchyard", ".");
const event = (choices, usage) => {
  const chunk = {
    id: "chatcmpl-bench000000000000000000002",
    object: "chat.completion.chunk",
    created,
    model,
  };
  Object.assign(chunk, { system_fingerprint: "fp_bench", choices }, usage ? { usage } : {});
  return `data: ${JSON.stringify(chunk)}\n\n`;
};
const choice = (delta, finish) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];
const sse = [
  event(choice({ role: "assistant", content: "" }, null)),
  ...tokens.map((t) => event(choice({ content: t }, null))),
  event(choice({}, "stop")),
  event([], { prompt_tokens: 24, completion_tokens: 17, total_tokens: 41 }),
  "data: [DONE]\n\n",
].map((s) => Buffer.from(s));

const jsonHeaders = {
  "content-type": "application/json",
  "content-length": completion.length,
  "x-request-id": "req_bench",
};
const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

function answer(req, res, body) {
  if (!/"stream"\s*:\s*true/.test(body.toString("latin1"))) {
    res.writeHead(200, jsonHeaders);
    res.end(completion);
    return;
  }
  // 21 chunked-encoding frames, written in one burst (one syscall).
  res.writeHead(200, sseHeaders);
  res.socket?.cork();
  for (const b of sse) res.write(b);
  res.end();
  process.nextTick(() => res.socket?.uncork());
}

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url.endsWith("/chat/completions")) {
    const parts = [];
    req.on("data", (d) => parts.push(d));
    req.on("end", () => answer(req, res, parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    return;
  }
  const ok = req.method === "GET" && (req.url === "/" || req.url === "/health");
  res.writeHead(ok ? 200 : 404, { "content-type": "text/plain" });
  res.end(ok ? "ok" : "not found");
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
