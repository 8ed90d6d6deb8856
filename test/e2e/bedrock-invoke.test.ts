import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  expectServedBy,
  requestCount,
  setFault,
  startHarness,
  streamedText,
  testKey,
  upstreamLog,
  type Harness,
} from "../support/harness.js";

/**
 * Issue 14, item 2: Claude on Bedrock through InvokeModel with Anthropic's own body (`api: invoke`),
 * beside the Converse offering of the same model on the same account. The official `@anthropic-ai/sdk`
 * and `openai` SDKs, unmodified, against the gateway; the Bedrock emulator checks SigV4 and the body.
 */
let harness: Harness;
let claude: Anthropic;
const model = "claude-sonnet-4-6";
const onInvoke = { "x-switchyard-providers": "aws-invoke" };

beforeAll(async () => {
  harness = await startHarness((document) => {
    const providers = document["providers"] as Record<string, Record<string, unknown>>;
    // A second provider on the same AWS account and emulator: the invoke offering of the same model.
    providers["aws-invoke"] = { ...providers["aws-us-east-1"] };
    (document["offerings"] as Record<string, unknown>[]).push({
      model,
      provider: "aws-invoke",
      native_model: "us.anthropic.claude-sonnet-4-6",
      api: "invoke",
      // Cheaper than the Converse offering, so between the two it is tried first.
      price: { input: 3.2, output: 16 },
    });
  });
  claude = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

const bedrock = () => harness.emulator("aws-us-east-1");

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

const textOf = (message: Anthropic.Message): string =>
  message.content.map((block) => (block.type === "text" ? block.text : "")).join("");

describe("Anthropic SDK → gateway → Claude on Bedrock InvokeModel", () => {
  it("plain: Anthropic's body reaches /invoke with bedrock-2023-05-31, without model or stream", async () => {
    const { data, response } = await claude.messages
      .create(
        {
          model,
          max_tokens: 200,
          system: "You are terse.",
          stop_sequences: ["NEVER-SEEN"],
          messages: [{ role: "user", content: "Hello from the invoke path" }],
        },
        { headers: onInvoke },
      )
      .withResponse();
    expectServedBy(response.headers, "aws-invoke", 1);
    expect(data.stop_reason).toBe("end_turn");
    expect(textOf(data)).toContain("Hello from the invoke path");
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const log = await upstreamLog(bedrock());
    expect(log.last_path).toBe("/model/us.anthropic.claude-sonnet-4-6/invoke");
    expect(log.last_headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(log.last).toEqual({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 200,
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello from the invoke path" }] }],
      stop_sequences: ["NEVER-SEEN"],
    });
  });

  it("streamed: the same text as the whole answer, through /invoke-with-response-stream", async () => {
    const params = {
      model,
      max_tokens: 200,
      messages: [{ role: "user" as const, content: "Stream me something" }],
    };
    const whole = await claude.messages.create(params, { headers: onInvoke });
    const stream = claude.messages.stream(params, { headers: onInvoke });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(textOf(final)).toBe(textOf(whole));
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(events[0]).toBe("message_start");
    expect(events.at(-1)).toBe("message_stop");
    expect((await upstreamLog(bedrock())).last_path).toBe(
      "/model/us.anthropic.claude-sonnet-4-6/invoke-with-response-stream",
    );
  });

  it("tool loop: tool_use out, tool_result back, both blocks reach Bedrock as the client wrote them", async () => {
    const question = { role: "user" as const, content: "Weather in Oslo?" };
    const first = await claude.messages.create(
      {
        model,
        max_tokens: 256,
        messages: [question],
        tools: [weatherTool],
        tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
      },
      { headers: onInvoke },
    );
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((block) => block.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("expected a tool_use block");
    expect((await upstreamLog(bedrock())).last["tool_choice"]).toEqual({
      type: "tool",
      name: "get_weather",
      disable_parallel_tool_use: true,
    });
    const stream = claude.messages.stream(
      {
        model,
        max_tokens: 256,
        tools: [weatherTool],
        messages: [
          question,
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "12 C, rain" }] },
        ],
      },
      { headers: onInvoke },
    );
    const second = await stream.finalMessage();
    expect(second.stop_reason).toBe("end_turn");
    const sent = (await upstreamLog(bedrock())).last["messages"] as { content: Record<string, unknown>[] }[];
    expect(sent[1]?.content).toEqual([{ type: "tool_use", id: call.id, name: call.name, input: call.input }]);
    expect(sent[2]?.content).toEqual([{ type: "tool_result", tool_use_id: call.id, content: "12 C, rain" }]);
  });

  it("an OpenAI client reaches the same offering, whole and streamed", async () => {
    const { data, response } = await harness.client.chat.completions
      .create(
        { model, max_tokens: 100, messages: [{ role: "user", content: "Hi from OpenAI" }] },
        { headers: onInvoke },
      )
      .withResponse();
    expectServedBy(response.headers, "aws-invoke", 1);
    expect(data.choices[0]?.message.content).toContain("Hi from OpenAI");
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    const stream = await harness.client.chat.completions.create(
      { model, max_tokens: 100, stream: true, messages: [{ role: "user", content: "Hi from OpenAI" }] },
      { headers: onInvoke },
    );
    expect(await streamedText(stream)).toBe(data.choices[0]?.message.content);
  });
});

describe("failover between the invoke and converse offerings before the first byte", () => {
  const both = { "x-switchyard-providers": "aws-invoke,aws-us-east-1" };

  it("an invoke refusal (403) moves the request to Converse on the same account", async () => {
    await setFault(bedrock(), { status: 403, count: 1 });
    const { data, response } = await claude.messages
      .create(
        { model, max_tokens: 100, messages: [{ role: "user", content: "Fail over please" }] },
        { headers: both },
      )
      .withResponse();
    expectServedBy(response.headers, "aws-us-east-1", 2);
    expect(textOf(data)).toContain("Fail over please");
    const log = await upstreamLog(bedrock());
    expect(log.count).toBe(2);
    expect(log.last_path).toBe("/model/us.anthropic.claude-sonnet-4-6/converse");
  });

  it("a stream refused at its start (403) fails over to ConverseStream", async () => {
    await setFault(bedrock(), { status: 403, count: 1, match: "stream" });
    const stream = claude.messages.stream(
      { model, max_tokens: 100, messages: [{ role: "user", content: "Stream fail over" }] },
      { headers: both },
    );
    const final = await stream.finalMessage();
    expect(textOf(final)).toContain("Stream fail over");
    expect(await requestCount(bedrock())).toBe(2);
    expect((await upstreamLog(bedrock())).last_path).toBe(
      "/model/us.anthropic.claude-sonnet-4-6/converse-stream",
    );
  });

  it("an exception as the stream's first message, before any byte reached the client, is retried", async () => {
    await setFault(bedrock(), {
      stream_error: true,
      stream_error_after_chunks: 0,
      count: 1,
      match: "stream",
    });
    const stream = claude.messages.stream(
      { model, max_tokens: 100, messages: [{ role: "user", content: "Retry the stream" }] },
      { headers: both },
    );
    const final = await stream.finalMessage();
    expect(textOf(final)).toContain("Retry the stream");
    // modelStreamErrorException is retryable on the same offering: the second try streams whole.
    expect(await requestCount(bedrock())).toBe(2);
    expect((await upstreamLog(bedrock())).last_path).toBe(
      "/model/us.anthropic.claude-sonnet-4-6/invoke-with-response-stream",
    );
  });
});
