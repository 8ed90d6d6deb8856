import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * `/v1/embeddings` in front of every cloud's own embeddings API: Bedrock Titan (one input per call, so the
 * gateway slices the request) and Cohere, the Gemini API's batchEmbedContents and Vertex's predict.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

const cells = [
  { model: "titan-embed-text-v2", provider: "aws-us-east-1", dimensions: 256 },
  { model: "cohere-embed-v3", provider: "aws-us-east-1", dimensions: undefined },
  { model: "gemini-embedding-001", provider: "gemini", dimensions: 768 },
  { model: "gemini-embedding-001", provider: "gcp-europe-west4", dimensions: 768 },
];

describe.each(cells)("$model on $provider", ({ model, provider, dimensions }) => {
  it("embeds a list of inputs, in order, with the OpenAI SDK", async () => {
    const input = ["rail yard", "switch tower", "rail yard"];
    const { data, response } = await harness.client.embeddings
      .create(
        { model, input, encoding_format: "float", ...(dimensions === undefined ? {} : { dimensions }) },
        { headers: { "x-switchyard-providers": provider } },
      )
      .withResponse();
    expect(response.headers.get("x-switchyard-provider")).toBe(provider);
    expect(data.data.map((item) => item.index)).toEqual([0, 1, 2]);
    const [first, second, third] = data.data.map((item) => item.embedding);
    if (dimensions !== undefined) expect(first?.length).toBe(dimensions);
    expect(first?.length).toBeGreaterThan(0);
    // Deterministic emulators: equal inputs embed equally, different ones differently.
    expect(third).toEqual(first);
    expect(second).not.toEqual(first);
    expect(data.model).toBe(model);
  });
});
