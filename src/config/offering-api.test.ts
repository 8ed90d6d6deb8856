import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "./load.js";

/** An offering's `api`: which API of its provider serves it (issue 13, item 3). */
function document(offerings: Record<string, unknown>[]): Record<string, unknown> {
  return {
    keys: [{ name: "k", key: "sk-offering-api-test" }],
    providers: {
      openai: { kind: "openai", api_key: "sk-1" },
      azure: { kind: "azure", endpoint: "https://res.openai.azure.com", api_key: "az" },
      vllm: { kind: "openai-compatible", base_url: "http://localhost:8000/v1" },
      anthropic: { kind: "anthropic", api_key: "sk-ant" },
    },
    models: {
      "gpt-5-pro": { vendor: "openai", capabilities: ["chat", "tools"] },
      "text-embedding-3-small": { vendor: "openai", capabilities: ["embeddings"] },
    },
    offerings,
  };
}

function problems(offerings: Record<string, unknown>[]): readonly string[] {
  try {
    resolveConfig(document(offerings), "test", {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("an offering's api", () => {
  it("defaults to the provider kind's chat dialect; `responses` selects the Responses dialect", () => {
    const config = resolveConfig(
      document([
        { model: "gpt-5-pro", provider: "openai", api: "responses" },
        { model: "gpt-5-pro", provider: "azure", deployment: "pro", api: "responses" },
        { model: "gpt-5-pro", provider: "vllm", api: "chat" },
      ]),
      "test",
      {},
    );
    expect(config.offerings.map((offering) => [offering.id, offering.dialect])).toEqual([
      ["gpt-5-pro@openai", "openai-responses"],
      ["gpt-5-pro@azure", "openai-responses"],
      ["gpt-5-pro@vllm", "openai-chat"],
    ]);
  });

  it("is refused with a clear error on providers other than openai and azure, and for embeddings", () => {
    expect(
      problems([
        { model: "gpt-5-pro", provider: "vllm", api: "responses" },
        { model: "gpt-5-pro", provider: "anthropic", api: "responses" },
        { model: "text-embedding-3-small", provider: "openai", api: "responses" },
      ]),
    ).toEqual([
      "offerings[0].api: the Responses API is offered by openai and azure providers only, not openai-compatible",
      "offerings[1].api: the Responses API is offered by openai and azure providers only, not anthropic",
      'offerings[2].api: "responses" is for chat models; "text-embedding-3-small" is an embedding model',
    ]);
  });

  it("takes only chat or responses", () => {
    const found = problems([{ model: "gpt-5-pro", provider: "openai", api: "assistants" }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^offerings\[0\]\.api: /);
  });
});
