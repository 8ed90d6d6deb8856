import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from "@openai/agents";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { requestCount, startHarness, testKey, type Harness } from "../support/harness.js";

/**
 * A second client no one here wrote: the OpenAI Agents SDK (which speaks only the Responses API) runs a
 * multi-step tool loop through the gateway against clouds that are not OpenAI: the model asks for a
 * tool, the SDK runs it and sends its output back, the model answers.
 */
let harness: Harness;
beforeAll(async () => {
  // The SDK would otherwise export traces to api.openai.com.
  setTracingDisabled(true);
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

type ProviderClient = NonNullable<
  NonNullable<ConstructorParameters<typeof OpenAIProvider>[0]>["openAIClient"]
>;

const cells = [
  { kind: "bedrock (Claude)", provider: "aws-us-east-1", model: "claude-sonnet-4-6" },
  { kind: "vertex (Gemini)", provider: "gcp-us-central1", model: "gemini-2.5-flash" },
  { kind: "openai-compatible (Llama)", provider: "llama-host", model: "llama-3.3-70b" },
];

describe.each(cells)("the Agents SDK on $kind", ({ provider, model }) => {
  const calls: string[] = [];
  const getWeather = tool({
    name: "get_weather",
    description: "Current weather for a city",
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      calls.push(city);
      return Promise.resolve(`It is 21 degrees and sunny in ${city}.`);
    },
  });
  const runner = (): Runner => {
    const client = new OpenAI({
      apiKey: testKey,
      baseURL: `${harness.gateway.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-switchyard-providers": provider },
    });
    return new Runner({
      // The same openai package at run time; its types resolve once as ESM here and once as CJS there.
      modelProvider: new OpenAIProvider({
        openAIClient: client as unknown as ProviderClient,
        useResponses: true,
      }),
      tracingDisabled: true,
    });
  };
  const agent = new Agent({
    name: "Weather",
    instructions: "Answer questions about the weather; use the tool.",
    tools: [getWeather],
    model,
    modelSettings: { toolChoice: "auto" },
  });

  it("runs the tool loop to a final answer", async () => {
    calls.length = 0;
    await harness.reset();
    const result = await runner().run(agent, "What is the weather in Paris?", { maxTurns: 4 });
    // Two model turns (the call, then the answer to its output), both on the pinned cloud.
    expect(await requestCount(harness.emulator(provider))).toBe(2);
    expect(calls.length).toBeGreaterThan(0);
    expect(typeof result.finalOutput).toBe("string");
    expect(String(result.finalOutput).length).toBeGreaterThan(0);
    const kinds = result.newItems.map((item) => item.type);
    expect(kinds).toContain("tool_call_item");
    expect(kinds).toContain("tool_call_output_item");
    expect(kinds.at(-1)).toBe("message_output_item");
  });

  it("streams the loop, and continues it by previous_response_id", async () => {
    calls.length = 0;
    const streamed = await runner().run(agent, "What is the weather in Rome?", { stream: true, maxTurns: 4 });
    let text = "";
    for await (const chunk of streamed.toTextStream()) text += chunk;
    await streamed.completed;
    expect(calls.length).toBeGreaterThan(0);
    expect(text.length).toBeGreaterThan(0);
    const last = streamed.lastResponseId;
    expect(last).toMatch(/^resp_/);
    if (last === undefined) return;
    const next = await runner().run(agent, "And in Oslo?", { previousResponseId: last, maxTurns: 4 });
    expect(String(next.finalOutput).length).toBeGreaterThan(0);
  });
});
