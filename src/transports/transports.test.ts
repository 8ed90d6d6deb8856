import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/load.js";
import type { ProviderConfig } from "../config/types.js";
import { createTransport } from "./index.js";

function provider(id: string, document: Record<string, unknown>): ProviderConfig {
  const config = resolveConfig(
    {
      keys: [{ name: "k", key: "sk-transport-test" }],
      providers: { [id]: document },
      models: {},
      offerings: [],
    },
    "test",
    {},
  );
  const found = config.providers.get(id);
  if (found === undefined) throw new Error("provider did not resolve");
  return found;
}

const call = (operation: "chat" | "embeddings", nativeModel: string) =>
  ({ operation, dialect: "openai-chat", nativeModel, stream: false, body: { model: nativeModel } }) as const;

describe("transports", () => {
  it("openai: base URL path + operation, Bearer key, organization and project headers", async () => {
    const transport = createTransport(
      provider("openai", { kind: "openai", api_key: "sk-1", organization: "org-1", project: "proj-1" }),
    );
    expect(transport.origin).toBe("https://api.openai.com");
    const request = await transport.prepare(call("chat", "gpt-4o"));
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers).toMatchObject({
      authorization: "Bearer sk-1",
      "openai-organization": "org-1",
      "openai-project": "proj-1",
    });
    expect(JSON.parse(request.body)).toEqual({ model: "gpt-4o" });
  });

  it("openai-compatible: any base URL, no key when none is configured", async () => {
    const transport = createTransport(
      provider("groq", { kind: "openai-compatible", base_url: "https://api.groq.com/openai/v1" }),
    );
    const request = await transport.prepare(call("embeddings", "x"));
    expect(transport.origin).toBe("https://api.groq.com");
    expect(request.path).toBe("/openai/v1/embeddings");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("azure classic: deployment in the path, api-version in the query, api-key header", async () => {
    const transport = createTransport(
      provider("azure", {
        kind: "azure",
        endpoint: "https://res.openai.azure.com/",
        api_version: "2024-10-21",
        api_key: "az-key",
      }),
    );
    const request = await transport.prepare(call("chat", "my deployment"));
    expect(request.path).toBe("/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21");
    expect(request.headers["api-key"]).toBe("az-key");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("azure v1: the /openai/v1 route, an Entra token as Bearer", async () => {
    const transport = createTransport(
      provider("azure", { kind: "azure", endpoint: "https://res.openai.azure.com", entra_token: "eyJ0" }),
    );
    const request = await transport.prepare(call("embeddings", "embed-deployment"));
    expect(request.path).toBe("/openai/v1/embeddings");
    expect(request.headers.authorization).toBe("Bearer eyJ0");
    expect(request.headers["api-key"]).toBeUndefined();
  });

  it("the openai-responses dialect: {base}/responses on OpenAI, /openai/v1/responses on Azure (classic too)", async () => {
    const responses = {
      operation: "chat",
      dialect: "openai-responses",
      nativeModel: "gpt-5-pro",
      stream: true,
      body: {},
    } as const;
    const openai = createTransport(provider("openai", { kind: "openai", api_key: "sk-1" }));
    expect((await openai.prepare(responses)).path).toBe("/v1/responses");
    const classic = createTransport(
      provider("azure", {
        kind: "azure",
        endpoint: "https://res.openai.azure.com/base",
        api_version: "2024-10-21",
        api_key: "az-key",
      }),
    );
    expect((await classic.prepare(responses)).path).toBe("/base/openai/v1/responses");
    // Embeddings of the same provider keep their own route.
    expect((await classic.prepare(call("embeddings", "e"))).path).toBe(
      "/base/openai/deployments/e/embeddings?api-version=2024-10-21",
    );
  });
});
