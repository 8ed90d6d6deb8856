import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/load.js";
import type { ProviderConfig } from "../config/types.js";
import { createTransport } from "./index.js";

function provider(document: Record<string, unknown>): ProviderConfig {
  const config = resolveConfig(
    {
      keys: [{ name: "k", key: "sk-transport-test" }],
      providers: { claude: document },
      models: {},
      offerings: [],
    },
    "test",
    {},
  );
  const found = config.providers.get("claude");
  if (found === undefined) throw new Error("provider did not resolve");
  return found;
}

const call = (operation: "chat" | "embeddings", body: Record<string, unknown>) =>
  ({
    operation,
    dialect: "anthropic-messages",
    nativeModel: "claude-sonnet-4-20250514",
    stream: false,
    body,
  }) as const;

describe("anthropic transport", () => {
  it("defaults: api.anthropic.com, /v1/messages, x-api-key and anthropic-version 2023-06-01", async () => {
    const transport = createTransport(provider({ kind: "anthropic", api_key: "sk-ant-1" }));
    expect(transport.providerId).toBe("claude");
    expect(transport.origin).toBe("https://api.anthropic.com");
    const body = { model: "claude-sonnet-4-20250514", max_tokens: 10, messages: [] };
    const request = await transport.prepare(call("chat", body));
    expect(request.path).toBe("/v1/messages");
    expect(request.headers).toEqual({
      "content-type": "application/json",
      "x-api-key": "sk-ant-1",
      "anthropic-version": "2023-06-01",
    });
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual(body);
  });

  it("a base URL with a path prefix, a configured version and extra headers", async () => {
    const transport = createTransport(
      provider({
        kind: "anthropic",
        api_key: "sk-ant-2",
        base_url: "http://127.0.0.1:9999/proxy/",
        anthropic_version: "2024-01-01",
        headers: { "anthropic-beta": "prompt-caching-2024-07-31" },
      }),
    );
    expect(transport.origin).toBe("http://127.0.0.1:9999");
    const request = await transport.prepare(call("chat", {}));
    expect(request.path).toBe("/proxy/v1/messages");
    expect(request.headers["anthropic-version"]).toBe("2024-01-01");
    expect(request.headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31");
    expect(request.headers["x-api-key"]).toBe("sk-ant-2");
  });

  it("builds the header object once: every call shares it", async () => {
    const transport = createTransport(provider({ kind: "anthropic", api_key: "sk-ant-3" }));
    const first = await transport.prepare(call("chat", { a: 1 }));
    const second = await transport.prepare(call("chat", { a: 2 }));
    expect(second.headers).toBe(first.headers);
    expect(Object.isFrozen(first.headers)).toBe(true);
    expect(second.body).toBe('{"a":2}');
  });

  it("refuses embeddings: Anthropic has no embeddings API", () => {
    const transport = createTransport(provider({ kind: "anthropic", api_key: "sk-ant-4" }));
    expect(() => transport.prepare(call("embeddings", {}))).toThrow(/no embeddings API/);
  });
});
