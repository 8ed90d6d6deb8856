import fc from "fast-check";
import { request as httpRequest } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, testKey, type Harness } from "../support/harness.js";

/** Bad input over a real socket: every error in OpenAI's envelope, never a 5xx. */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await httpRequest(`${harness.gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${testKey}`, "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.body.text();
  const isJson = String(response.headers["content-type"]).startsWith("application/json");
  return {
    status: response.statusCode,
    body: isJson ? (JSON.parse(text) as unknown) : text,
    headers: response.headers,
  };
}

function expectEnvelope(answer: Answer, status: number, code: string, param: string | null): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({
    error: { message: expect.any(String), type: expect.any(String), param, code },
  });
  expect(answer.headers["x-request-id"]).toEqual(expect.any(String));
}

describe("bad input to /v1/chat/completions", () => {
  const chat = (body: string, headers?: Record<string, string>) =>
    post("/v1/chat/completions", body, headers);

  it.each([
    ["malformed JSON", "{not json", 400, "invalid_json", null],
    ["an empty body", "", 400, "invalid_json", null],
    ["an array body", "[]", 400, "invalid_request", null],
    [
      "a missing model",
      '{"messages":[{"role":"user","content":"hi"}]}',
      400,
      "missing_required_parameter",
      "model",
    ],
    ["a missing messages", '{"model":"gpt-4o-mini"}', 400, "missing_required_parameter", "messages"],
    ["empty messages", '{"model":"gpt-4o-mini","messages":[]}', 400, "invalid_request", "messages"],
    ["a wrong type", '{"model":"gpt-4o-mini","messages":"hi"}', 400, "invalid_request", "messages"],
    [
      "an unknown role",
      '{"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}',
      400,
      "invalid_request",
      "messages[0].role",
    ],
    [
      "temperature out of range",
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":7}',
      400,
      "invalid_request",
      "temperature",
    ],
    [
      "an unknown model",
      '{"model":"nope","messages":[{"role":"user","content":"hi"}]}',
      404,
      "model_not_found",
      "model",
    ],
    [
      "an embeddings model",
      '{"model":"text-embedding-3-small","messages":[{"role":"user","content":"hi"}]}',
      400,
      "invalid_request",
      "model",
    ],
  ])("%s", async (_name, body, status, code, param) => {
    expectEnvelope(await chat(body), status, code, param);
  });

  it("a wrong content type → 415", async () => {
    expectEnvelope(
      await chat('{"model":"gpt-4o-mini"}', { "content-type": "text/plain" }),
      415,
      "unsupported_media_type",
      null,
    );
  });

  it("a body over the limit → 413", async () => {
    const big = JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "x".repeat(70_000) }],
    });
    expectEnvelope(await chat(big), 413, "body_too_large", null);
  });

  it("no key → 401", async () => {
    const response = await httpRequest(`${harness.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expectEnvelope(
      { status: response.statusCode, body: await response.body.json(), headers: response.headers },
      401,
      "invalid_api_key",
      null,
    );
  });
});

describe("routes", () => {
  it("an unknown route → 404, a wrong method → 405", async () => {
    expectEnvelope(await post("/v1/completions", "{}"), 404, "route_not_found", null);
    const wrongMethod = await httpRequest(`${harness.gateway.url}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${testKey}` },
    });
    expectEnvelope(
      { status: wrongMethod.statusCode, body: await wrongMethod.body.json(), headers: wrongMethod.headers },
      405,
      "method_not_allowed",
      null,
    );
    expect(wrongMethod.headers.allow).toBe("POST");
  });

  it("a model id that is not valid percent-encoding → 404, not a 500", async () => {
    const response = await httpRequest(`${harness.gateway.url}/v1/models/%E0%A4`, {
      headers: { authorization: `Bearer ${testKey}` },
    });
    expectEnvelope(
      { status: response.statusCode, body: await response.body.json(), headers: response.headers },
      404,
      "model_not_found",
      "model",
    );
  });

  it("health and readiness answer without a key", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const response = await httpRequest(`${harness.gateway.url}${path}`);
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
  });

  it("bad embeddings input names the field", async () => {
    expectEnvelope(
      await post("/v1/embeddings", '{"model":"text-embedding-3-small","input":[]}'),
      400,
      "invalid_request",
      "input",
    );
    expectEnvelope(await post("/v1/embeddings", '{"input":"x"}'), 400, "missing_required_parameter", "model");
  });
});

describe("property: random and mutated bodies never cause a 5xx", () => {
  const valid = {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 16,
    temperature: 0.5,
  };
  const mutation = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string().map((text) => text),
    fc
      .record({
        key: fc.constantFrom(...Object.keys(valid), "tools", "stream", "stop", "n", "response_format"),
        value: fc.jsonValue(),
      })
      .map(({ key, value }) => JSON.stringify({ ...valid, [key]: value })),
    fc
      .record({ role: fc.jsonValue(), content: fc.jsonValue() })
      .map((message) => JSON.stringify({ ...valid, messages: [message] })),
  );

  it("answers 2xx or a well-formed 4xx error envelope", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (body) => {
        const answer = await post("/v1/chat/completions", body);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.body).toEqual({
            error: {
              message: expect.any(String),
              type: expect.any(String),
              param: expect.toSatisfy((param: unknown) => param === null || typeof param === "string"),
              code: expect.any(String),
            },
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});
