import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { BedrockProviderConfig } from "../config/types.js";
import { bedrockTransport, encodeModelId } from "./bedrock.js";
import { createTransport } from "./index.js";
import type { UpstreamCall } from "./transport.js";

const AKID = "AKIDEXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

function provider(overrides: Partial<BedrockProviderConfig> = {}): BedrockProviderConfig {
  return {
    id: "aws-us-east-1",
    kind: "bedrock",
    region: "us-east-1",
    labels: {},
    baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com",
    headers: {},
    unsupportedParameters: new Set(),
    maxConnections: 8,
    credentials: { type: "sigv4", accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: undefined },
    ...overrides,
  };
}

function call(overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    operation: "chat",
    dialect: "bedrock-converse",
    nativeModel: "anthropic.claude-3-haiku-20240307-v1:0",
    stream: false,
    body: { messages: [{ role: "user", content: [{ text: "Hi" }] }] },
    ...overrides,
  };
}

const at = (iso: string) => () => new Date(iso);

describe("bedrock transport", () => {
  it("signs the reference request exactly as AWS documents it (test vector)", async () => {
    const transport = bedrockTransport(provider(), { now: at("2024-01-01T00:00:00Z") });
    expect(transport.origin).toBe("https://bedrock-runtime.us-east-1.amazonaws.com");
    const request = await transport.prepare(call());
    expect(request.path).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
    expect(request.body).toBe('{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}');
    expect(request.headers).toMatchObject({
      host: "bedrock-runtime.us-east-1.amazonaws.com",
      "content-type": "application/json",
      "x-amz-date": "20240101T000000Z",
      "x-amz-content-sha256": "45e583fed2564dc00e823303d7609f8587af7f685b993cb0f998afc0d480b01d",
    });
    expect(request.headers["authorization"]).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/bedrock/aws4_request, " +
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, " +
        "Signature=c6211a0550f955546e187775500fdaa8306f8f9d7953ac25f72daee99b4e3809",
    );
  });

  it("hashes exactly the body it sends", async () => {
    const transport = bedrockTransport(provider());
    const body = { messages: [{ role: "user", content: [{ text: "naïve ☃ \u2028" }] }] };
    const request = await transport.prepare(call({ body }));
    expect(request.body).toBe(JSON.stringify(body));
    expect(request.headers["x-amz-content-sha256"]).toBe(
      createHash("sha256").update(request.body).digest("hex"),
    );
  });

  it("signs a session token and the configured headers", async () => {
    const transport = bedrockTransport(
      provider({
        headers: { "x-team": "search" },
        credentials: {
          type: "sigv4",
          accessKeyId: AKID,
          secretAccessKey: SECRET,
          sessionToken: "FwoGZXIvYXdzEtoken",
        },
      }),
    );
    const request = await transport.prepare(call());
    expect(request.headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEtoken");
    expect(request.headers["x-team"]).toBe("search");
    expect(request.headers["authorization"]).toMatch(
      /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-team,/,
    );
  });

  it("picks converse-stream for streams and invoke for embeddings; encodes ARNs and profile ids", async () => {
    const transport = bedrockTransport(provider());
    expect((await transport.prepare(call({ stream: true }))).path).toBe(
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
    );
    expect(
      (
        await transport.prepare(
          call({ operation: "embeddings", nativeModel: "amazon.titan-embed-text-v2:0" }),
        )
      ).path,
    ).toBe("/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(
      encodeModelId(
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0",
      ),
    ).toBe(
      "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-3-70b-instruct-v1%3A0",
    );
    expect(encodeModelId("a!b'c(d)e*f")).toBe("a%21b%27c%28d%29e%2Af");
  });

  it("signs the host with its port for a custom endpoint (an emulator, a VPC endpoint)", async () => {
    const transport = bedrockTransport(provider({ baseUrl: "http://127.0.0.1:4566/bedrock" }));
    expect(transport.origin).toBe("http://127.0.0.1:4566");
    const request = await transport.prepare(call());
    expect(request.path).toBe("/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
    expect(request.headers["host"]).toBe("127.0.0.1:4566");
  });

  it("sends a Bedrock API key as Bearer, without signing", async () => {
    const transport = createTransport(
      provider({ credentials: { type: "api-key", apiKey: "ABSKbedrock-key" } }),
    );
    const request = await transport.prepare(call());
    expect(request.headers["authorization"]).toBe("Bearer ABSKbedrock-key");
    expect(request.headers["x-amz-date"]).toBeUndefined();
    expect(request.path).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  });
});
