import { describe, expect, it } from "vitest";
import {
  betaCloudOf,
  contextWindowWith,
  MEANING_CHANGING_BETAS,
  missingNeededBeta,
  partitionBetas,
  takesBeta,
} from "./anthropic-betas.js";

describe("anthropic-beta flags per cloud", () => {
  it("Anthropic takes every flag, even one it may add tomorrow; Vertex and Bedrock their documented subsets", () => {
    expect(takesBeta("anthropic", "files-api-2025-04-14")).toBe(true);
    expect(takesBeta("anthropic", "some-future-flag-2027-01-01")).toBe(true);
    for (const cloud of ["vertex", "bedrock"] as const) {
      expect(takesBeta(cloud, "interleaved-thinking-2025-05-14")).toBe(true);
      expect(takesBeta(cloud, "context-1m-2025-08-07")).toBe(true);
      expect(takesBeta(cloud, "computer-use-2025-01-24")).toBe(true);
      expect(takesBeta(cloud, "files-api-2025-04-14")).toBe(false);
      expect(takesBeta(cloud, "some-future-flag-2027-01-01")).toBe(false);
    }
    expect(takesBeta("bedrock", "token-efficient-tools-2025-02-19")).toBe(true);
    expect(takesBeta("vertex", "token-efficient-tools-2025-02-19")).toBe(false);
    expect(takesBeta(undefined, "interleaved-thinking-2025-05-14")).toBe(false);
  });

  it("the table applies to Claude offerings only: a Llama on Bedrock or a Gemini on Vertex takes none", () => {
    expect(betaCloudOf("bedrock", { vendor: "anthropic", dialect: "bedrock-converse" })).toBe("bedrock");
    expect(betaCloudOf("bedrock", { dialect: "bedrock-anthropic" })).toBe("bedrock");
    expect(betaCloudOf("bedrock", { vendor: "meta", dialect: "bedrock-converse" })).toBeUndefined();
    expect(betaCloudOf("vertex", { vendor: "google", dialect: "gemini" })).toBeUndefined();
    expect(betaCloudOf("vertex", { vendor: "anthropic", dialect: "anthropic-messages" })).toBe("vertex");
    expect(betaCloudOf("openai", { vendor: "openai", dialect: "openai-chat" })).toBeUndefined();
  });

  it("partition keeps the client's order; needed flags are judged on the request's numbers", () => {
    expect(
      partitionBetas(["files-api-2025-04-14", "interleaved-thinking-2025-05-14", "x-2026-01-01"], "bedrock"),
    ).toEqual({
      taken: ["interleaved-thinking-2025-05-14"],
      stripped: ["files-api-2025-04-14", "x-2026-01-01"],
    });
    expect(MEANING_CHANGING_BETAS).toEqual(["context-1m-2025-08-07", "output-128k-2025-02-19"]);
    const big = { promptTokens: 300_000, maxOutputTokens: 100_000 };
    expect(missingNeededBeta(["context-1m-2025-08-07"], undefined, big)?.flag).toBe("context-1m-2025-08-07");
    expect(missingNeededBeta(["context-1m-2025-08-07"], "vertex", big)).toBeUndefined();
    expect(missingNeededBeta(["output-128k-2025-02-19"], "vertex", big)?.reason).toBe(
      "max_tokens 100000 needs 128k output",
    );
    expect(
      missingNeededBeta(["output-128k-2025-02-19"], "vertex", { promptTokens: 1, maxOutputTokens: 10 }),
    ).toBeUndefined();
    expect(contextWindowWith(200_000, ["context-1m-2025-08-07"], "bedrock")).toBe(1_000_000);
    expect(contextWindowWith(200_000, ["context-1m-2025-08-07"], undefined)).toBe(200_000);
  });
});
