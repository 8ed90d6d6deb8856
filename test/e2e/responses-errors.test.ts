import fc from "fast-check";
import { request as httpRequest } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, testKey, type Harness } from "../support/harness.js";

/** Bad input to `/v1/responses` over a real socket: OpenAI's envelope naming the field, never a 5xx. */
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

async function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await httpRequest(`${harness.gateway.url}/v1/responses`, {
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
    error: { message: expect.any(String), type: "invalid_request_error", param, code },
  });
}

const model = "gpt-4o-mini";

describe("bad input to /v1/responses", () => {
  it.each([
    ["malformed JSON", "{not json", 400, "invalid_json", null],
    ["an array body", "[]", 400, "invalid_request", null],
    ["a missing model", '{"input":"hi"}', 400, "missing_required_parameter", "model"],
    ["a missing input", `{"model":"${model}"}`, 400, "missing_required_parameter", "input"],
    ["an unknown model", '{"model":"nope","input":"hi"}', 404, "model_not_found", "model"],
    [
      "an unknown item type",
      `{"model":"${model}","input":[{"type":"telepathy"}]}`,
      400,
      "invalid_request",
      "input[0].type",
    ],
    [
      "a tool output without a matching call",
      `{"model":"${model}","input":[{"role":"user","content":"hi"},{"type":"function_call_output","call_id":"call_9","output":"x"}]}`,
      400,
      "invalid_request",
      "input[1].call_id",
    ],
    [
      "an unknown previous_response_id",
      `{"model":"${model}","input":"hi","previous_response_id":"resp_nope"}`,
      400,
      "previous_response_not_found",
      "previous_response_id",
    ],
    [
      "a hosted tool",
      `{"model":"${model}","input":"hi","tools":[{"type":"file_search"}]}`,
      400,
      "unsupported_parameter",
      "tools[0].type",
    ],
    [
      "an image for a model without vision",
      '{"model":"llama-3.3-70b","input":[{"role":"user","content":[{"type":"input_image","image_url":"https://example.com/a.png"}]}]}',
      400,
      "unsupported_parameter",
      "input",
    ],
  ])("%s", async (_name, body, status, code, param) => {
    expectEnvelope(await post(body), status, code, param);
  });

  it("an over-limit body is a 413 in OpenAI's envelope", async () => {
    const input = "x".repeat(70 * 1024);
    const answer = await post(JSON.stringify({ model, input }));
    expectEnvelope(answer, 413, "body_too_large", null);
  });

  it("a wrong content type is a 415", async () => {
    const answer = await post(`{"model":"${model}","input":"hi"}`, { "content-type": "text/plain" });
    expectEnvelope(answer, 415, "unsupported_media_type", null);
  });
});

describe("property: random and mutated Responses bodies never cause a 5xx", () => {
  const valid = {
    model,
    input: [{ role: "user", content: "hi" }],
    max_output_tokens: 64,
    temperature: 0.5,
  };
  const item = fc.record(
    {
      type: fc.oneof(fc.constantFrom("message", "function_call", "function_call_output"), fc.jsonValue()),
      role: fc.oneof(fc.constantFrom("user", "assistant", "developer"), fc.jsonValue()),
      content: fc.jsonValue(),
      call_id: fc.jsonValue(),
      output: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const mutation = fc.oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string(),
    fc
      .record({
        key: fc.constantFrom(
          ...Object.keys(valid),
          "tools",
          "stream",
          "text",
          "tool_choice",
          "previous_response_id",
          "reasoning",
          "store",
        ),
        value: fc.jsonValue(),
      })
      .map(({ key, value }) => JSON.stringify({ ...valid, [key]: value })),
    fc.array(item, { maxLength: 3 }).map((input) => JSON.stringify({ ...valid, input })),
  );

  it("answers 2xx or a well-formed 4xx error envelope", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (body) => {
        const answer = await post(body);
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
