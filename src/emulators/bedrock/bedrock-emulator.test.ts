import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ModelStreamErrorException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
  type TokenUsage,
  type Tool,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../types.js";
import { startBedrockEmulator } from "./bedrock-emulator.js";

const credentials = { accessKeyId: "AKIAEMULATOR0000001", secretAccessKey: "emulator/secret/key+0001" };
const MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

let emulator: RunningEmulator;
let client: BedrockRuntimeClient;

/**
 * The official SDK, unmodified except for two settings: the HTTP/1.1 handler (its default handler
 * speaks HTTP/2 only, which a local plain-HTTP server does not) and `maxAttempts: 1`, so SDK retries
 * do not hide injected faults.
 */
function sdk(secretAccessKey = credentials.secretAccessKey, accessKeyId = credentials.accessKeyId) {
  return new BedrockRuntimeClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

const weatherTool: Tool = {
  toolSpec: {
    name: "get_weather",
    description: "Current weather in a city",
    inputSchema: {
      json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
};

async function collectStream(stream: AsyncIterable<ConverseStreamOutput> | undefined) {
  const out = {
    types: [] as string[],
    text: "",
    tools: [] as { id: string; name: string; input: string }[],
    stopReason: undefined as string | undefined,
    usage: undefined as TokenUsage | undefined,
  };
  if (stream === undefined) throw new Error("no stream");
  for await (const event of stream) {
    if (event.messageStart !== undefined) out.types.push("messageStart");
    if (event.contentBlockStart?.start?.toolUse !== undefined) {
      out.types.push("contentBlockStart");
      const start = event.contentBlockStart.start.toolUse;
      out.tools.push({ id: start.toolUseId ?? "", name: start.name ?? "", input: "" });
    }
    if (event.contentBlockDelta !== undefined) {
      out.types.push("contentBlockDelta");
      const delta = event.contentBlockDelta.delta;
      if (delta?.text !== undefined) out.text += delta.text;
      if (delta?.toolUse?.input !== undefined) {
        const tool = out.tools.at(-1);
        if (tool === undefined) throw new Error("tool delta before start");
        tool.input += delta.toolUse.input;
      }
    }
    if (event.contentBlockStop !== undefined) out.types.push("contentBlockStop");
    if (event.messageStop !== undefined) {
      out.types.push("messageStop");
      out.stopReason = event.messageStop.stopReason;
    }
    if (event.metadata !== undefined) {
      out.types.push("metadata");
      out.usage = event.metadata.usage;
    }
  }
  return out;
}

beforeAll(async () => {
  emulator = await startBedrockEmulator({
    name: "aws-us-east-1",
    credentials: { ...credentials, apiKey: "ABSK-emulator-api-key" },
  });
  client = sdk();
});

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.faults.clear();
  emulator.faults.resetRequests();
});

describe("Bedrock emulator with the official @aws-sdk/client-bedrock-runtime", () => {
  it("Converse: a text answer with usage, signed with SigV4", async () => {
    const answer = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: "You are terse." }],
        messages: [{ role: "user", content: [{ text: "Hello there, emulator" }] }],
      }),
    );
    const text = answer.output?.message?.content?.[0]?.text ?? "";
    expect(text).toContain('You said: "Hello there, emulator"');
    expect(answer.stopReason).toBe("end_turn");
    expect(answer.usage?.outputTokens).toBeGreaterThan(0);
    expect(answer.usage?.totalTokens).toBe(
      (answer.usage?.inputTokens ?? 0) + (answer.usage?.outputTokens ?? 0),
    );
    expect(answer.$metadata.httpStatusCode).toBe(200);
    const log = emulator.faults.requests();
    expect(log.last_path).toBe("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
    expect(log.last_headers?.["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEMULATOR0000001\//);
  });

  it("Converse: tool use, then the answer after the tool result", async () => {
    const first = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "What is the weather in Paris?" }] }],
        toolConfig: { tools: [weatherTool], toolChoice: { any: {} } },
      }),
    );
    expect(first.stopReason).toBe("tool_use");
    const toolUse = first.output?.message?.content?.find((block) => block.toolUse !== undefined)?.toolUse;
    expect(toolUse?.name).toBe("get_weather");
    expect(toolUse?.toolUseId).toMatch(/^tooluse_[A-Za-z0-9]{22}$/);
    expect(toolUse?.input).toEqual({ city: expect.any(String) });

    const second = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [
          { role: "user", content: [{ text: "What is the weather in Paris?" }] },
          { role: "assistant", content: [{ toolUse: toolUse! }] },
          {
            role: "user",
            content: [
              { toolResult: { toolUseId: toolUse!.toolUseId!, content: [{ json: { temp_c: 21 } }] } },
            ],
          },
        ],
        toolConfig: { tools: [weatherTool] },
      }),
    );
    expect(second.stopReason).toBe("end_turn");
    expect(second.output?.message?.content?.[0]?.text).toContain(
      'The get_weather tool returned: {"temp_c":21}.',
    );
  });

  it("Converse: stop sequences and maxTokens give Bedrock's stop reasons", async () => {
    const capped = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Tell me something" }] }],
        inferenceConfig: { maxTokens: 3 },
      }),
    );
    expect(capped.stopReason).toBe("max_tokens");
    expect(capped.usage?.outputTokens).toBeLessThanOrEqual(3);

    const full = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Tell me something" }] }],
      }),
    );
    const fullText = full.output?.message?.content?.[0]?.text ?? "";
    const stop = fullText.split(" ")[2] ?? "";
    const stopped = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Tell me something" }] }],
        inferenceConfig: { stopSequences: [stop] },
      }),
    );
    expect(stopped.stopReason).toBe("stop_sequence");
    expect(stopped.output?.message?.content?.[0]?.text).toBe(fullText.slice(0, fullText.indexOf(stop)));
  });

  it("ConverseStream: text deltas assemble to the Converse text; metadata carries usage", async () => {
    const request = {
      modelId: MODEL,
      messages: [{ role: "user" as const, content: [{ text: "Stream something to me" }] }],
    };
    const whole = await client.send(new ConverseCommand(request));
    const streamed = await client.send(new ConverseStreamCommand(request));
    const out = await collectStream(streamed.stream);
    expect(out.text).toBe(whole.output?.message?.content?.[0]?.text);
    expect(out.types[0]).toBe("messageStart");
    expect(out.types.includes("contentBlockStart")).toBe(false); // text blocks open without a start event
    expect(out.types.slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage).toEqual({
      inputTokens: whole.usage?.inputTokens,
      outputTokens: whole.usage?.outputTokens,
      totalTokens: whole.usage?.totalTokens,
    });
  });

  it("ConverseStream: tool use opens with contentBlockStart and streams its input", async () => {
    const streamed = await client.send(
      new ConverseStreamCommand({
        modelId: MODEL,
        messages: [{ role: "user", content: [{ text: "Weather in Lyon please" }] }],
        toolConfig: { tools: [weatherTool] },
      }),
    );
    const out = await collectStream(streamed.stream);
    expect(out.tools).toHaveLength(1);
    expect(out.tools[0]?.name).toBe("get_weather");
    expect(JSON.parse(out.tools[0]?.input ?? "")).toEqual({ city: expect.any(String) });
    expect(out.stopReason).toBe("tool_use");
  });

  it("an exception event mid-stream surfaces as the SDK's ModelStreamErrorException", async () => {
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 2, match: "stream" });
    const streamed = await client.send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
    );
    const seen: ConverseStreamOutput[] = [];
    const failure = await (async () => {
      try {
        for await (const event of streamed.stream ?? []) seen.push(event);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(ModelStreamErrorException);
    expect((failure as ModelStreamErrorException).originalStatusCode).toBe(500);
    expect(seen).toHaveLength(2);
  });

  it("a wrong secret key is rejected with InvalidSignatureException, an unknown key id otherwise", async () => {
    const wrongSecret = sdk("not-the-secret");
    const error = await wrongSecret
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))
      .catch((caught: unknown) => caught);
    wrongSecret.destroy();
    expect((error as Error).name).toBe("InvalidSignatureException");
    expect((error as Error).message).toMatch(/^The request signature we calculated does not match/);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);

    const unknownKey = sdk(credentials.secretAccessKey, "AKIAUNKNOWN000000000");
    const unknown = await unknownKey
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))
      .catch((caught: unknown) => caught);
    unknownKey.destroy();
    expect((unknown as Error).name).toBe("UnrecognizedClientException");
  });

  it("a Bedrock API key works as Bearer (the SDK's token auth)", async () => {
    const bearer = new BedrockRuntimeClient({
      endpoint: emulator.url,
      region: "us-east-1",
      token: { token: "ABSK-emulator-api-key" },
      authSchemePreference: ["httpBearerAuth"],
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    const answer = await bearer.send(
      new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
    );
    bearer.destroy();
    expect(answer.stopReason).toBe("end_turn");
    expect(emulator.faults.requests().last_headers?.["authorization"]).toBe("Bearer ABSK-emulator-api-key");
  });

  it("fault 429 → ThrottlingException, with Retry-After when asked", async () => {
    emulator.faults.set({ status: 429, retry_after_s: 2, count: 1 });
    const error = await client
      .send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    expect((error as ThrottlingException).$response?.headers["retry-after"]).toBe("2");
    // count: 1 — the next request is served.
    const answer = await client.send(
      new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
    );
    expect(answer.stopReason).toBe("end_turn");
  });

  it("validates like Bedrock: alternation, empty content, unknown models", async () => {
    const alternation = await client
      .send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "user", content: [{ text: "b" }] },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(alternation).toBeInstanceOf(ValidationException);
    expect((alternation as Error).message).toMatch(/must alternate between user and assistant/);

    const empty = await client
      .send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "assistant", content: [] },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect((empty as Error).message).toBe(
      "The content field in the Message object at messages.1 is empty. Add a ContentBlock object to the content field and try again.",
    );

    const missing = await client
      .send(
        new ConverseCommand({
          modelId: "missing-model",
          messages: [{ role: "user", content: [{ text: "a" }] }],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it("InvokeModel: Titan and Cohere embeddings", async () => {
    const titan = await client.send(
      new InvokeModelCommand({
        modelId: "amazon.titan-embed-text-v2:0",
        contentType: "application/json",
        body: JSON.stringify({ inputText: "hello world", dimensions: 256 }),
      }),
    );
    const titanBody = JSON.parse(Buffer.from(titan.body).toString("utf8")) as {
      embedding: number[];
      inputTextTokenCount: number;
    };
    expect(titanBody.embedding).toHaveLength(256);
    expect(titanBody.inputTextTokenCount).toBe(2);

    const cohere = await client.send(
      new InvokeModelCommand({
        modelId: "cohere.embed-english-v3",
        contentType: "application/json",
        body: JSON.stringify({ texts: ["a", "b"], input_type: "search_document" }),
      }),
    );
    const cohereBody = JSON.parse(Buffer.from(cohere.body).toString("utf8")) as { embeddings: number[][] };
    expect(cohereBody.embeddings.map((vector) => vector.length)).toEqual([1024, 1024]);
  });
});

describe("issue 9: JSON mode (asked for in the system prompt, as Converse has no JSON mode) answers valid JSON", () => {
  const models = ["us.anthropic.claude-sonnet-4-6", "us.meta.llama3-3-70b-instruct-v1:0"];
  const system = [{ text: "Respond with a single valid JSON object and nothing else." }];
  const messages = [{ role: "user" as const, content: [{ text: "Give me the weather in Paris" }] }];

  it.each(models)("%s: Converse", async (modelId) => {
    const out = await sdk().send(new ConverseCommand({ modelId, system, messages }));
    const text = out.output?.message?.content?.[0]?.text ?? "";
    expect(JSON.parse(text)).toEqual(expect.any(Object));
  });

  it.each(models)("%s: ConverseStream", async (modelId) => {
    const out = await sdk().send(new ConverseStreamCommand({ modelId, system, messages }));
    const streamed = await collectStream(out.stream);
    expect(JSON.parse(streamed.text)).toEqual(expect.any(Object));
  });

  it("a JSON Schema written into the system prompt is followed", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, celsius: { type: "number" } },
      required: ["city", "celsius"],
    };
    const instructed = [
      {
        text: `Respond with a single valid JSON value and nothing else. It must conform to the JSON Schema named "w": ${JSON.stringify(schema)}`,
      },
    ];
    const out = await sdk().send(new ConverseCommand({ modelId: models[0], system: instructed, messages }));
    const value = JSON.parse(out.output?.message?.content?.[0]?.text ?? "") as Record<string, unknown>;
    expect(typeof value["city"]).toBe("string");
    expect(typeof value["celsius"]).toBe("number");
  });

  it("a plain system prompt still gets prose", async () => {
    const out = await sdk().send(
      new ConverseCommand({ modelId: models[1], system: [{ text: "You are terse." }], messages }),
    );
    expect(() => JSON.parse(out.output?.message?.content?.[0]?.text ?? "") as unknown).toThrow();
  });
});
