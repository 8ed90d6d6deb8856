import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "./load.js";

/** A Bedrock offering's `api`: Converse (the default) or InvokeModel with Anthropic's body (issue 14, item 2). */
function document(offerings: Record<string, unknown>[]): Record<string, unknown> {
  return {
    keys: [{ name: "k", key: "sk-bedrock-api-test" }],
    providers: {
      aws: { kind: "bedrock", region: "us-east-1", api_key: "ABSK-test" },
      openai: { kind: "openai", api_key: "sk-1" },
    },
    models: {
      "claude-sonnet-4-5": { vendor: "anthropic", capabilities: ["chat", "tools"] },
      "llama-4-maverick": { vendor: "meta", capabilities: ["chat"] },
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

describe("a Bedrock offering's api", () => {
  it("converse (the default, also `chat`) speaks bedrock-converse; invoke speaks bedrock-anthropic", () => {
    const config = resolveConfig(
      document([
        {
          model: "claude-sonnet-4-5",
          provider: "aws",
          native_model: "anthropic.claude-sonnet-4-5",
          api: "invoke",
        },
        { model: "llama-4-maverick", provider: "aws", api: "converse" },
      ]),
      "test",
      {},
    );
    expect(config.offerings.map((offering) => [offering.id, offering.dialect, offering.vendor])).toEqual([
      ["claude-sonnet-4-5@aws", "bedrock-anthropic", "anthropic"],
      ["llama-4-maverick@aws", "bedrock-converse", "meta"],
    ]);
    const byDefault = resolveConfig(document([{ model: "claude-sonnet-4-5", provider: "aws" }]), "test", {});
    expect(byDefault.offerings[0]?.dialect).toBe("bedrock-converse");
  });

  it("refuses invoke for a model of another vendor, and the Bedrock APIs on other providers, naming the field", () => {
    expect(
      problems([
        { model: "llama-4-maverick", provider: "aws", api: "invoke" },
        { model: "claude-sonnet-4-5", provider: "openai", api: "invoke" },
        { model: "llama-4-maverick", provider: "openai", api: "converse" },
      ]),
    ).toEqual([
      `offerings[0].api: "invoke" sends Anthropic's Messages body and serves Anthropic models only, not meta's "llama-4-maverick"; use api: converse`,
      'offerings[1].api: "invoke" is a Bedrock API; openai providers do not offer it',
      'offerings[2].api: "converse" is a Bedrock API; openai providers do not offer it',
    ]);
  });
});
