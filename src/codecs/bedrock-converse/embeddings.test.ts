import { describe, expect, it } from "vitest";
import type { EmbeddingsRequest } from "../../core/embeddings.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { bedrockCohereEmbedCodec, bedrockTitanEmbedCodec } from "./index.js";

function request(overrides: Partial<EmbeddingsRequest> = {}): EmbeddingsRequest {
  return { model: "embed", input: ["hello"], singleInput: true, encodingFormat: "float", ...overrides };
}

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

const titanV2 = { nativeModel: "amazon.titan-embed-text-v2:0" };
const cohereV3 = { nativeModel: "cohere.embed-english-v3" };

describe("Titan embeddings", () => {
  it("one input per call, dimensions on V2", () => {
    expect(bedrockTitanEmbedCodec.maxInputsPerRequest).toBe(1);
    expect(bedrockTitanEmbedCodec.encodeEmbeddingsRequest(request({ dimensions: 512 }), titanV2)).toEqual({
      body: { inputText: "hello", dimensions: 512 },
      warnings: [],
    });
  });

  it("refuses token arrays, sizes V2 cannot produce, and dimensions on V1", () => {
    expect(
      thrown(() => bedrockTitanEmbedCodec.encodeEmbeddingsRequest(request({ input: [[1, 2]] }), titanV2))
        .param,
    ).toBe("input");
    expect(
      thrown(() => bedrockTitanEmbedCodec.encodeEmbeddingsRequest(request({ dimensions: 300 }), titanV2)),
    ).toMatchObject({ code: "unsupported_parameter", param: "dimensions" });
    expect(
      thrown(() =>
        bedrockTitanEmbedCodec.encodeEmbeddingsRequest(request({ dimensions: 1536 }), {
          nativeModel: "amazon.titan-embed-text-v1",
        }),
      ).code,
    ).toBe("unsupported_parameter");
  });

  it("decodes {embedding, inputTextTokenCount}", () => {
    const result = bedrockTitanEmbedCodec.decodeEmbeddingsResponse({
      embedding: [0.5, -0.25],
      inputTextTokenCount: 3,
    });
    expect(Array.from(result.vectors[0] ?? [])).toEqual([0.5, -0.25]);
    expect(result.inputTokens).toBe(3);
    expect(thrown(() => bedrockTitanEmbedCodec.decodeEmbeddingsResponse({ embedding: "x" })).code).toBe(
      "upstream_bad_response",
    );
  });
});

describe("Cohere embeddings", () => {
  it("sends texts as search_document; warns about the end-user id", () => {
    const encoded = bedrockCohereEmbedCodec.encodeEmbeddingsRequest(
      request({ input: ["a", "b"], singleInput: false, user: "u-1" }),
      cohereV3,
    );
    expect(encoded.body).toEqual({ texts: ["a", "b"], input_type: "search_document" });
    expect(encoded.warnings).toEqual([expect.objectContaining({ code: "parameter_ignored", param: "user" })]);
    expect(
      bedrockCohereEmbedCodec.encodeEmbeddingsRequest(request({ dimensions: 256 }), {
        nativeModel: "cohere.embed-v4:0",
      }).body,
    ).toEqual({ texts: ["hello"], input_type: "search_document", output_dimension: 256 });
    expect(
      thrown(() => bedrockCohereEmbedCodec.encodeEmbeddingsRequest(request({ dimensions: 256 }), cohereV3))
        .param,
    ).toBe("dimensions");
  });

  it("decodes both response shapes (plain floats and by type)", () => {
    const plain = bedrockCohereEmbedCodec.decodeEmbeddingsResponse({
      embeddings: [[1], [2]],
      response_type: "embeddings_floats",
    });
    const byType = bedrockCohereEmbedCodec.decodeEmbeddingsResponse({ embeddings: { float: [[1], [2]] } });
    expect(plain.vectors.map((vector) => Array.from(vector))).toEqual([[1], [2]]);
    expect(byType.vectors.map((vector) => Array.from(vector))).toEqual([[1], [2]]);
  });
});
