import fc from "fast-check";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DrillFleet, drillKey } from "./harness/drill-fleet.js";
import { demoModels } from "./harness/models.js";
import { drillTimeout, scale } from "./harness/scale.js";

/**
 * Fuzzing both ingresses over a real socket: bodies that are valid requests with random parts replaced,
 * requests made of the fields each API knows with values of every type, and plain noise. Whatever comes
 * in, the gateway answers below 500 (a client's mistake is a 4xx naming it; a request the emulators
 * accept is a 200), never says `internal_error`, and keeps serving. See docs/drills.md.
 */
let fleet: DrillFleet;
let agent: Agent;
let models: readonly string[];
beforeAll(async () => {
  fleet = await DrillFleet.start();
  models = demoModels(fleet).all;
  agent = new Agent({ connections: 4 });
});
afterAll(async () => {
  await agent?.close();
  await fleet?.close();
});

const runs = { numRuns: scale.ingressCases, ...(scale.name === "short" ? { seed: 10 } : {}) };

/** Any JSON value, weighted toward the awkward ones. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      "",
      -1,
      0,
      1.5,
      2 ** 53,
      1e308,
      true,
      [],
      {},
      "__proto__",
      "\u0000",
      "x".repeat(5000),
    ),
  },
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", "json", "\u{1F600}", "a\u0000b"));

const openaiPart = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({
    type: fc.constant("image_url"),
    image_url: fc.record(
      {
        url: fc.constantFrom(
          "https://example.com/a.png",
          "data:image/png;base64,iVBORw0KGgo=",
          "data:,",
          "ftp://x",
        ),
        detail: fc.constantFrom("low", "high", "auto", "sideways"),
      },
      { requiredKeys: ["url"] },
    ),
  }),
  fc.record({ type: fc.string({ maxLength: 10 }), text: anyValue }),
);
const openaiMessage = fc.oneof(
  { weight: 6, arbitrary: fc.record({ role: fc.constant("user"), content: text }) },
  fc.record({
    role: fc.constantFrom("user", "system", "developer"),
    content: fc.oneof(text, fc.array(openaiPart, { maxLength: 3 })),
  }),
  fc.record(
    {
      role: fc.constant("assistant"),
      content: fc.oneof(text, fc.constant(null)),
      tool_calls: fc.array(
        fc.record({
          id: text,
          type: fc.constant("function"),
          function: fc.record({ name: text, arguments: fc.oneof(text, fc.constant("{}")) }),
        }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ["role"] },
  ),
  fc.record({ role: fc.constant("tool"), tool_call_id: text, content: fc.oneof(text, anyValue) }),
  fc.record({ role: fc.oneof(fc.string({ maxLength: 8 }), anyValue), content: anyValue }),
);
const tool = fc.record({
  type: fc.constantFrom("function", "custom", "x"),
  function: fc.record(
    {
      name: text,
      description: text,
      parameters: fc.oneof(
        fc.constant({ type: "object", properties: { q: { type: "string" } }, required: ["q"] }),
        anyValue,
      ),
    },
    { requiredKeys: ["name"] },
  ),
});

/** Mostly a value the API accepts, sometimes anything. */
const often = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/**
 * A body: the required fields (mostly well-formed) and up to three optional fields (mostly valid values),
 * so that a good share of the cases reaches the planner, a codec and an emulator rather than the validator.
 */
function requestOf(
  required: Record<string, fc.Arbitrary<unknown>>,
  optional: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(required), fc.subarray(Object.keys(optional), { maxLength: 3 }))
    .chain(([body, keys]) =>
      fc
        .record(Object.fromEntries(keys.map((key) => [key, optional[key] ?? anyValue])))
        .map((extra) => ({ ...body, ...extra })),
    );
}

const openaiBody = requestOf(
  {
    model: fc.oneof(fc.constantFrom("gpt-4o-mini", "missing-model", ""), anyValue),
    messages: fc.oneof(
      { weight: 8, arbitrary: fc.array(openaiMessage, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: anyValue },
    ),
  },
  {
    stream: often(fc.boolean()),
    stream_options: often(fc.record({ include_usage: fc.boolean() })),
    max_tokens: often(fc.integer({ min: -5, max: 5000 })),
    max_completion_tokens: often(fc.integer({ min: 0, max: 100 })),
    temperature: often(fc.double({ min: -1, max: 3 })),
    top_p: often(fc.double({ min: 0, max: 1 })),
    stop: often(fc.oneof(text, fc.array(text, { maxLength: 6 }))),
    n: often(fc.integer({ min: 0, max: 3 })),
    seed: often(fc.integer()),
    tools: often(fc.array(tool, { maxLength: 3 })),
    tool_choice: often(
      fc.oneof(
        fc.constantFrom("auto", "none", "required"),
        fc.record({ type: fc.constant("function"), function: fc.record({ name: text }) }),
      ),
    ),
    parallel_tool_calls: often(fc.boolean()),
    response_format: often(
      fc.constantFrom(
        { type: "json_object" },
        { type: "text" },
        { type: "json_schema", json_schema: { name: "s", schema: { type: "object" } } },
      ),
    ),
    metadata: often(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 })),
    user: often(text),
    logprobs: anyValue,
  },
);

const anthropicBlock = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({
    type: fc.constant("image"),
    source: fc.oneof(
      fc.record({
        type: fc.constant("base64"),
        media_type: fc.constantFrom("image/png", "image/gif", "text/plain"),
        data: fc.base64String({ maxLength: 40 }),
      }),
      fc.record({ type: fc.constant("url"), url: text }),
      anyValue,
    ),
  }),
  fc.record({ type: fc.constant("tool_use"), id: text, name: text, input: anyValue }),
  fc.record({
    type: fc.constant("tool_result"),
    tool_use_id: text,
    content: fc.oneof(text, anyValue),
    is_error: anyValue,
  }),
  fc.record({
    type: fc.constantFrom("thinking", "document", "server_tool_use", "nonsense"),
    thinking: text,
    signature: text,
  }),
);
const anthropicMessage = fc.oneof(
  { weight: 6, arbitrary: fc.record({ role: fc.constant("user"), content: text }) },
  fc.record({
    role: fc.constantFrom("user", "assistant"),
    content: fc.oneof(text, fc.array(anthropicBlock, { maxLength: 3 })),
  }),
  fc.record({ role: anyValue, content: anyValue }),
);
const anthropicBody = requestOf(
  {
    model: fc.oneof(fc.constantFrom("gpt-4o-mini", "missing-model", ""), anyValue),
    max_tokens: often(fc.integer({ min: -5, max: 5000 })),
    messages: fc.oneof(
      { weight: 8, arbitrary: fc.array(anthropicMessage, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: anyValue },
    ),
  },
  {
    system: often(fc.oneof(text, fc.array(fc.record({ type: fc.constant("text"), text }), { maxLength: 2 }))),
    stream: often(fc.boolean()),
    temperature: often(fc.double({ min: -1, max: 2 })),
    top_p: often(fc.double({ min: 0, max: 1 })),
    top_k: often(fc.integer({ min: -1, max: 100 })),
    stop_sequences: often(fc.array(text, { maxLength: 5 })),
    tools: often(
      fc.array(
        fc.record({ name: text, description: text, input_schema: often(fc.constant({ type: "object" })) }),
        { maxLength: 2 },
      ),
    ),
    tool_choice: often(
      fc.oneof(
        fc.constantFrom({ type: "auto" }, { type: "any" }, { type: "none" }),
        fc.record({ type: fc.constant("tool"), name: text }),
      ),
    ),
    metadata: often(fc.record({ user_id: text })),
    thinking: anyValue,
  },
);

/** A body as bytes: mostly JSON of the generated object (with a real model most of the time), sometimes noise. */
function bodies(shape: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(shape, fc.nat())
        .map(([body, pick]) =>
          JSON.stringify(pick % 4 === 0 ? body : { ...body, model: models[pick % models.length] }),
        ),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.string(), fc.constantFrom("", "{", "[", "null", '{"model":', "\u0000")),
    },
  );
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

async function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const response = await request(`${fleet.url}${path}`, {
    dispatcher: agent,
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    headersTimeout: 20_000,
    bodyTimeout: 20_000,
  });
  const statuses = seen.get(path) ?? new Map<number, number>();
  seen.set(path, statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1));
  return { status: response.statusCode, text: await response.body.text() };
}

/** Statuses seen per path, printed at the end: how many fuzzed bodies reached a cloud (200) and how many were refused. */
const seen = new Map<string, Map<number, number>>();
afterAll(() => {
  for (const [path, statuses] of seen) {
    const counts = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
    console.log(`fuzz ${path} (${scale.name} run): ${counts.join(" ")}`);
  }
});

function expectSane(answer: Answer, body: string): void {
  const context = `${answer.status} ${answer.text.slice(0, 300)} for ${body.slice(0, 300)}`;
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.text, context).not.toMatch(/internal_error|Internal error/);
  if (answer.status >= 400) expect(() => JSON.parse(answer.text) as unknown, context).not.toThrow();
}

describe("fuzzed bodies never get a 5xx", () => {
  const timeout = drillTimeout(30_000, 900_000);

  it(`POST /v1/chat/completions (${scale.ingressCases} cases)`, { timeout }, async () => {
    await fc.assert(
      fc.asyncProperty(bodies(openaiBody), async (body) => {
        expectSane(await post("/v1/chat/completions", body, { authorization: `Bearer ${drillKey}` }), body);
      }),
      runs,
    );
    expect((await fetch(`${fleet.url}/healthz`)).status).toBe(200);
  });

  it(`POST /v1/messages (${scale.ingressCases} cases)`, { timeout }, async () => {
    await fc.assert(
      fc.asyncProperty(bodies(anthropicBody), async (body) => {
        const headers = { "x-api-key": drillKey, "anthropic-version": "2023-06-01" };
        expectSane(await post("/v1/messages", body, headers), body);
      }),
      runs,
    );
    expect((await fetch(`${fleet.url}/healthz`)).status).toBe(200);
  });
});
