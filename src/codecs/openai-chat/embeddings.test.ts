import { describe, expect, it } from "vitest";
import { decodeOpenAIEmbeddingsResponse, encodeOpenAIEmbeddingsRequest } from "./embeddings.js";

function base64Of(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

describe("openai-chat embeddings", () => {
  it("encodes a single input as a single input, with the client's options", () => {
    expect(
      encodeOpenAIEmbeddingsRequest(
        {
          model: "catalog",
          input: ["hello"],
          singleInput: true,
          dimensions: 256,
          encodingFormat: "base64",
          user: "u",
        },
        { nativeModel: "text-embedding-3-small" },
      ),
    ).toEqual({
      body: {
        model: "text-embedding-3-small",
        input: "hello",
        dimensions: 256,
        encoding_format: "base64",
        user: "u",
      },
      warnings: [],
    });
    expect(
      encodeOpenAIEmbeddingsRequest(
        { model: "c", input: [[1, 2], [3]], singleInput: false, encodingFormat: "float" },
        { nativeModel: "n", unsupportedFields: new Set(["encoding_format"]) },
      ),
    ).toEqual({
      body: { model: "n", input: [[1, 2], [3]] },
      warnings: [expect.objectContaining({ code: "parameter_ignored", param: "encoding_format" })],
    });
  });

  it("decodes float and base64 vectors in index order", () => {
    const result = decodeOpenAIEmbeddingsResponse({
      object: "list",
      model: "text-embedding-3-small",
      data: [
        { object: "embedding", index: 1, embedding: base64Of([0.5, -2]) },
        { object: "embedding", index: 0, embedding: [0.25, 1] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(result.model).toBe("text-embedding-3-small");
    expect(result.inputTokens).toBe(4);
    expect(result.vectors.map((vector) => Array.from(vector))).toEqual([
      [0.25, 1],
      [0.5, -2],
    ]);
  });

  it.each([
    ["no data", {}],
    [
      "a duplicate index",
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 0, embedding: [2] },
        ],
      },
    ],
    ["an index out of range", { data: [{ index: 3, embedding: [1] }] }],
    ["a non-numeric value", { data: [{ index: 0, embedding: ["x"] }] }],
    ["a ragged base64 vector", { data: [{ index: 0, embedding: "AAAAAAA=" }] }],
  ])("rejects %s as upstream_bad_response", (_name, body) => {
    expect(() => decodeOpenAIEmbeddingsResponse(body)).toThrowError(
      expect.objectContaining({ code: "upstream_bad_response" }) as Error,
    );
  });
});
