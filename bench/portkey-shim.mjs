// The `portkey-shim` target: @portkey-ai/gateway 1.15.2 with one workaround, so that its streaming can be
// measured at all. Unmodified, every stream answers HTTP 500 on Node ("TypeError: immutable" in
// ResponseService.updateHeaders; upstream issues #1389 and #1550) because fetch() responses carry immutable
// headers. This wraps the global fetch so responses carry a mutable copy (one extra Response + Headers per
// request), then starts the unmodified build. The `portkey` target runs the build with no wrapper.
// Usage: node bench/portkey-shim.mjs --headless --port=N
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const realFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const r = await realFetch(...args);
  // globalThis.Response is @hono/node-server's Response once the server has started.
  return new Response(r.body, {
    status: r.status,
    statusText: r.statusText,
    headers: new Headers(r.headers),
  });
};
process.on("SIGTERM", () => process.exit(0));
const entry = createRequire(import.meta.url).resolve("@portkey-ai/gateway/build/start-server.js");
await import(pathToFileURL(entry).href);
