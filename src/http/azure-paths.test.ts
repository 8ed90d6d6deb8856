import { describe, expect, it } from "vitest";
import { matchAzurePath } from "./azure-paths.js";

describe("matchAzurePath", () => {
  it.each([
    ["/openai/deployments/gpt-4o-mini/chat/completions", { operation: "chat", deployment: "gpt-4o-mini" }],
    ["/openai/deployments/my%20dep/embeddings", { operation: "embeddings", deployment: "my dep" }],
    ["/openai/v1/chat/completions", { operation: "chat", deployment: undefined }],
    ["/openai/v1/embeddings", { operation: "embeddings", deployment: undefined }],
  ])("%s", (path, expected) => {
    expect(matchAzurePath(path)).toEqual(expected);
  });

  it.each([
    "/openai/deployments//chat/completions",
    "/openai/deployments/x/completions",
    "/openai/deployments/x",
    "/openai/v1/models",
    "/openai/deployments/%E0%A4%A/chat/completions",
  ])("%s is not an Azure operation", (path) => {
    expect(matchAzurePath(path)).toBeUndefined();
  });
});
