import Anthropic, { BadRequestError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setFault, startHarness, testKey, upstreamLog, type Harness } from "../support/harness.js";

/**
 * Issue 14 (items 1 and 3): a Claude client's tool loop with extended thinking and cache breakpoints,
 * through the gateway, on each cloud that sells Claude — Anthropic, Vertex (rawPredict) and Bedrock
 * (Converse, and InvokeModel with Anthropic's own body). The emulators sign the thinking they issue and reject a replayed block they did not sign;
 * they report a cache write for a new breakpointed prefix and a read when it comes again.
 */
let harness: Harness;
let client: Anthropic;
beforeAll(async () => {
  harness = await startHarness(
    (document) => {
      // A Claude model also served by a GPT deployment, for the cross-vendor failover below.
      (document.offerings as Record<string, unknown>[]).push({
        model: "claude-sonnet-4-6",
        provider: "openai",
        native_model: "gpt-4o-mini-2024-07-18",
        price: { input: 0.15, output: 0.6 },
      });
      // The same Bedrock account and emulator once more, for Claude through InvokeModel (Anthropic's body).
      const providers = document.providers as Record<string, Record<string, unknown>>;
      providers["aws-invoke"] = { ...providers["aws-us-east-1"] };
      (document.offerings as Record<string, unknown>[]).push({
        model: "claude-sonnet-4-6",
        provider: "aws-invoke",
        native_model: "us.anthropic.claude-sonnet-4-6",
        api: "invoke",
        price: { input: 3.3, output: 16.5, cached_input: 0.33, cache_write: 4.125 },
      });
      const tenants = document.tenants as Record<string, { policy: Record<string, unknown> }>;
      for (const tenant of Object.values(tenants))
        Object.assign(tenant.policy, { retries: { attempts_per_offering: 1 } });
    },
    { ledger: true },
  );
  client = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});

const model = "claude-sonnet-4-6";
/** USD per 1M tokens in the demo catalog: input, output, cached input, cache write. */
const prices: Record<string, [number, number, number, number]> = {
  anthropic: [3, 15, 0.3, 3.75],
  "gcp-us-central1": [3, 15, 0.3, 3.75],
  "aws-us-east-1": [3.3, 16.5, 0.33, 4.125],
  "aws-invoke": [3.3, 16.5, 0.33, 4.125],
};

/** The tool, described per run so that each run's prefix is new to the cache. */
const toolFor = (label: string): Anthropic.Tool => ({
  ...weatherTool,
  description: `Current weather (${label})`,
});

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  cache_control: { type: "ephemeral" },
};

function system(label: string): Anthropic.TextBlockParam[] {
  const rules = Array.from({ length: 40 }, (_, index) => `Rule ${index + 1}: be exact about weather.`);
  return [{ type: "text", text: `${label}\n${rules.join("\n")}`, cache_control: { type: "ephemeral" } }];
}

function pinned(provider: string) {
  return { headers: { "x-switchyard-providers": provider } };
}

async function expectLedgerCost(requestId: string | null, provider: string, usage: Anthropic.Usage) {
  const row = await harness.ledgerRow(requestId);
  const read = usage.cache_read_input_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  expect(row).toMatchObject({
    provider,
    inputTokens: usage.input_tokens + read + write,
    cachedInputTokens: read,
    cacheWriteInputTokens: write,
    outputTokens: usage.output_tokens,
  });
  const [input, output, cached, cacheWrite] = prices[provider] ?? [0, 0, 0, 0];
  const expected =
    (usage.input_tokens * input + read * cached + write * cacheWrite + usage.output_tokens * output) / 1e6;
  expect(row?.costUsd).toBeCloseTo(expected, 12);
}

type Turn = { message: Anthropic.Message; requestId: string | null };

async function send(
  provider: string,
  stream: boolean,
  body: Omit<Anthropic.MessageCreateParamsNonStreaming, "model" | "max_tokens">,
): Promise<Turn> {
  const params = {
    model,
    max_tokens: 4096,
    thinking: { type: "enabled" as const, budget_tokens: 2048 },
    ...body,
  };
  if (stream) {
    const events = client.messages.stream(params, pinned(provider));
    const message = await events.finalMessage();
    const response = await events.withResponse();
    return { message, requestId: response.response.headers.get("x-request-id") };
  }
  const { data, response } = await client.messages.create(params, pinned(provider)).withResponse();
  return { message: data, requestId: response.headers.get("x-request-id") };
}

describe.each([
  { provider: "anthropic", path: "Anthropic Messages" },
  { provider: "gcp-us-central1", path: "Vertex rawPredict" },
  { provider: "aws-us-east-1", path: "Bedrock Converse" },
  { provider: "aws-invoke", path: "Bedrock InvokeModel" },
])("a thinking tool loop with cache breakpoints on $provider ($path)", ({ provider }) => {
  it.each([false, true])("streamed: %s", async (stream) => {
    const label = `Weather desk on ${provider}, ${stream ? "streamed" : "whole"}.`;
    const question: Anthropic.MessageParam = { role: "user", content: "What is the weather in Paris?" };
    const first = await send(provider, stream, {
      system: system(label),
      tools: [toolFor(label)],
      messages: [question],
    });
    const [thinking, ...rest] = first.message.content;
    expect(thinking?.type).toBe("thinking");
    expect(thinking?.type === "thinking" && thinking.signature.length > 20).toBe(true);
    const call = rest.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
    expect(call?.name).toBe("get_weather");
    expect(first.message.stop_reason).toBe("tool_use");
    // A new prefix: written to the cache, nothing read.
    expect(first.message.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(first.message.usage.cache_read_input_tokens).toBe(0);
    await expectLedgerCost(first.requestId, provider, first.message.usage);

    // The next turn replays the signed thinking, as Claude requires in a tool loop.
    const replay: Anthropic.MessageParam[] = [
      question,
      { role: "assistant", content: first.message.content },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: call?.id ?? "",
            content: "18°C, light rain",
            cache_control: { type: "ephemeral" },
          },
        ],
      },
    ];
    const second = await send(provider, stream, {
      system: system(label),
      tools: [toolFor(label)],
      messages: replay,
    });
    expect(second.message.content[0]?.type).toBe("thinking");
    expect(second.message.stop_reason).toBe("end_turn");
    const text = second.message.content.find((block) => block.type === "text");
    expect(text?.type === "text" && text.text.includes("18°C")).toBe(true);
    // The tools and system prefix is read back; the new tail up to the tool result is written.
    const usage = second.message.usage;
    expect(usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(usage.cache_read_input_tokens).toBe(
      (first.message.usage.cache_creation_input_tokens ?? 0) +
        (first.message.usage.cache_read_input_tokens ?? 0),
    );
    expect(usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(usage.input_tokens).toBeGreaterThanOrEqual(0);
    await expectLedgerCost(second.requestId, provider, usage);

    // A tampered signature is refused by the cloud, in its own words, and the client gets a 400.
    const forged = first.message.content.map((block) =>
      block.type === "thinking" ? { ...block, signature: `${block.signature.slice(0, -4)}AAAA` } : block,
    );
    const refused = await send(provider, false, {
      system: system(label),
      tools: [toolFor(label)],
      messages: [question, { role: "assistant", content: forged }, replay[2] as Anthropic.MessageParam],
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(String((refused as BadRequestError).message)).toMatch(/Invalid `signature` in `thinking` block/);
  });
});

describe("an OpenAI client on the same cached conversation", () => {
  it("sees the cache read in prompt_tokens_details.cached_tokens, counted once in prompt_tokens", async () => {
    const label = "Weather desk for the OpenAI client.";
    const body = {
      system: system(label),
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Hi" }],
    };
    const params = { model, max_tokens: 256, ...body };
    await client.messages.create(params, pinned("anthropic"));
    const again = await client.messages.create(params, pinned("anthropic"));
    const read = again.usage.cache_read_input_tokens ?? 0;
    expect(read).toBeGreaterThan(0);
    const completion = await harness.client.chat.completions.create(
      {
        model,
        messages: [
          {
            role: "system",
            content: [
              {
                type: "text",
                text: body.system[0]?.text ?? "",
                cache_control: { type: "ephemeral" },
              } as never,
            ],
          },
          { role: "user", content: "Hi" },
        ],
        tools: [
          {
            type: "function",
            function: {
              name: weatherTool.name,
              description: weatherTool.description ?? "",
              parameters: weatherTool.input_schema,
            },
          },
        ],
      },
      { headers: { "x-switchyard-providers": "anthropic" } },
    );
    const usage = completion.usage;
    expect(usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    expect(usage?.prompt_tokens).toBeGreaterThanOrEqual(usage?.prompt_tokens_details?.cached_tokens ?? 0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });
});

describe("a failover from Claude to a GPT offering after thinking turns", () => {
  it("drops the signed thinking blocks with a warning instead of sending them malformed", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Oslo?" };
    const first = await send("anthropic", false, { tools: [weatherTool], messages: [question] });
    const call = first.message.content.find(
      (block): block is Anthropic.ToolUseBlock => block.type === "tool_use",
    );
    await setFault(harness.emulator("anthropic"), { status: 529 });
    try {
      const { data, response } = await client.messages
        .create(
          {
            model,
            max_tokens: 1024,
            tools: [weatherTool],
            messages: [
              question,
              { role: "assistant", content: first.message.content },
              {
                role: "user",
                content: [{ type: "tool_result", tool_use_id: call?.id ?? "", content: "-3°C" }],
              },
            ],
          },
          { headers: { "x-switchyard-providers": "anthropic,openai" } },
        )
        .withResponse();
      expect(response.headers.get("x-switchyard-provider")).toBe("openai");
      expect(response.headers.get("x-switchyard-warnings")).toContain("messages[].content[].thinking");
      expect(response.headers.get("x-switchyard-warnings")).toContain("cache_control");
      expect(data.content.some((block) => block.type === "text")).toBe(true);
      // What the GPT deployment received: the tool loop, no reasoning, no signature anywhere.
      const log = await upstreamLog(harness.emulator("openai"));
      expect(JSON.stringify(log.last)).not.toContain(
        (first.message.content[0] as Anthropic.ThinkingBlock).signature,
      );
    } finally {
      await harness.reset();
    }
  });
});
