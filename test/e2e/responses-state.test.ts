import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setFault, startHarness, testKey, type Harness } from "../support/harness.js";

/**
 * Conversation state of the Responses API: stored per tenant, replayed to whichever cloud serves the next
 * turn (after a fault too), retrievable and deletable, and never silently ignored when unknown.
 */
let harness: Harness;
let otherTenant: OpenAI;
beforeAll(async () => {
  harness = await startHarness((document) => {
    const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
    for (const tenant of Object.values(tenants))
      Object.assign(tenant.policy, { retries: { attempts_per_offering: 1 } });
  });
  otherTenant = new OpenAI({ apiKey: `${testKey}-eu`, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const model = "claude-sonnet-4-6";
const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

describe("a conversation across clouds", () => {
  it("is served by Anthropic first and, after a fault, by Bedrock, with its history intact", async () => {
    const pinned = { "x-switchyard-providers": "anthropic,aws-us-east-1" };
    const { data: first, response: firstHttp } = await harness.client.responses
      .create(
        { model, input: "What is the weather in Paris?", tools: [weather], tool_choice: "required" },
        { headers: pinned },
      )
      .withResponse();
    expect(firstHttp.headers.get("x-switchyard-provider")).toBe("anthropic");
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call in the first turn");

    await setFault(harness.emulator("anthropic"), { status: 529 });
    const turn = {
      model,
      tools: [weather],
      input: [{ type: "function_call_output" as const, call_id: call.call_id, output: '{"celsius":21}' }],
    };
    const { data: second, response: secondHttp } = await harness.client.responses
      .create({ ...turn, previous_response_id: first.id }, { headers: pinned })
      .withResponse();
    expect(secondHttp.headers.get("x-switchyard-provider")).toBe("aws-us-east-1");
    expect(secondHttp.headers.get("x-switchyard-attempts")).toBe("2");
    expect(second.status).toBe("completed");
    expect(second.output_text.length).toBeGreaterThan(0);

    // Bedrock got the whole conversation: more input than the user's question alone, and a tool result
    // that Bedrock accepted only because the tool call it answers came with it.
    const alone = await harness.client.responses.create(
      { model, input: "What is the weather in Paris?", tools: [weather] },
      { headers: { "x-switchyard-providers": "aws-us-east-1" } },
    );
    expect(second.usage?.input_tokens).toBeGreaterThan(alone.usage?.input_tokens ?? Infinity);
    const stateless = await failure(
      harness.client.responses.create(turn, { headers: { "x-switchyard-providers": "aws-us-east-1" } }),
    );
    expect(stateless.status).toBe(400);
    expect(stateless.error).toMatchObject({ param: "input[0].call_id" });
  });

  it("streams the second turn from another cloud when the first cloud fails before its first byte", async () => {
    const pinned = { "x-switchyard-providers": "anthropic,gcp-europe-west4" };
    const first = await harness.client.responses.create(
      { model, input: "Tell me about rail yards" },
      { headers: pinned },
    );
    await setFault(harness.emulator("anthropic"), { stream_error: true, stream_error_after_chunks: 0 });
    const { data: events, response } = await harness.client.responses
      .create(
        { model, input: "And their signals?", previous_response_id: first.id, stream: true },
        { headers: pinned },
      )
      .withResponse();
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of events) if (event.type === "response.completed") final = event.response;
    expect(response.headers.get("x-switchyard-provider")).toBe("gcp-europe-west4");
    if (final === undefined) throw new Error("no response.completed event");
    expect(final.status).toBe("completed");
    expect(final.previous_response_id).toBe(first.id);
    expect(final.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? Infinity);
  });
});

describe("stored responses", () => {
  it("are retrieved by id, deleted, and then unknown to GET and to previous_response_id", async () => {
    const created = await harness.client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
    const retrieved = await harness.client.responses.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.output_text).toBe(created.output_text);

    const deleted = await fetch(`${harness.gateway.url}/v1/responses/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${testKey}` },
    });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: created.id, object: "response", deleted: true });

    const gone = await failure(harness.client.responses.retrieve(created.id));
    expect(gone.status).toBe(404);
    expect(gone.code).toBe("response_not_found");
    const again = await failure(harness.client.responses.delete(created.id));
    expect(again.status).toBe(404);
    const next = await failure(
      harness.client.responses.create({
        model: "gpt-4o-mini",
        input: "Hi",
        previous_response_id: created.id,
      }),
    );
    expect(next.status).toBe(400);
    expect(next.code).toBe("previous_response_not_found");
    expect(next.error).toMatchObject({ param: "previous_response_id", type: "invalid_request_error" });
  });

  it("of another tenant are as unknown as ones that never existed", async () => {
    const created = await harness.client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
    const hidden = await failure(otherTenant.responses.retrieve(created.id));
    const missing = await failure(otherTenant.responses.retrieve("resp_never"));
    expect([hidden.status, hidden.code]).toEqual([404, "response_not_found"]);
    expect([missing.status, missing.code]).toEqual([404, "response_not_found"]);
    const removed = await failure(otherTenant.responses.delete(created.id));
    expect(removed.status).toBe(404);
    const turn = await failure(
      otherTenant.responses.create({ model, input: "Hi", previous_response_id: created.id }),
    );
    expect([turn.status, turn.code]).toEqual([400, "previous_response_not_found"]);
    // Still there for its own tenant.
    expect((await harness.client.responses.retrieve(created.id)).id).toBe(created.id);
  });

  it("are not kept with store: false, streamed or not", async () => {
    const plain = await harness.client.responses.create({ model: "gpt-4o-mini", input: "Hi", store: false });
    expect((await failure(harness.client.responses.retrieve(plain.id))).status).toBe(404);
    const stream = harness.client.responses.stream({ model: "gpt-4o-mini", input: "Hi", store: false });
    const streamed = await stream.finalResponse();
    expect((await failure(harness.client.responses.retrieve(streamed.id))).status).toBe(404);
  });

  it("answer an unknown method with 405 and an Allow header", async () => {
    const response = await fetch(`${harness.gateway.url}/v1/responses/resp_x`, {
      method: "POST",
      headers: { authorization: `Bearer ${testKey}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, DELETE");
  });
});

describe("what a cloud cannot take", () => {
  it("reasoning.effort reaches an OpenAI upstream and is a warning header elsewhere", async () => {
    const ask = (provider: string, model: string) =>
      harness.client.responses
        .create(
          { model, input: "Say hello", reasoning: { effort: "low" } },
          { headers: { "x-switchyard-providers": provider } },
        )
        .withResponse();
    const openai = await ask("openai", "gpt-4o-mini");
    expect(openai.response.headers.get("x-switchyard-warnings")).toBeNull();
    expect(openai.data.reasoning).toEqual({ effort: "low" });
    for (const [provider, model] of [
      ["anthropic", "claude-sonnet-4-6"],
      ["aws-us-east-1", "claude-sonnet-4-6"],
      ["gemini", "gemini-2.5-flash"],
    ] as const) {
      const { data, response } = await ask(provider, model);
      expect(data.status).toBe("completed");
      expect(response.headers.get("x-switchyard-warnings")).toContain("reasoning_effort");
    }
  });
});
