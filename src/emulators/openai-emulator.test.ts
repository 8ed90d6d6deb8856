import { countTokens } from "gpt-tokenizer";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "./index.js";
import type { EmulatorKind, RunningEmulator } from "./index.js";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        units: { type: "string", enum: ["c", "f"] },
        days: { type: "integer" },
        detailed: { type: "boolean" },
      },
      required: ["city", "units", "days", "detailed"],
      additionalProperties: false,
    },
  },
};
const timeTool = {
  type: "function" as const,
  function: {
    name: "get_time",
    parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
  },
};

describe.each<EmulatorKind>(["openai", "openai-compatible"])(
  "%s emulator through the official SDK",
  (kind) => {
    let emulator: RunningEmulator;
    let client: OpenAI;
    const apiKey = `key-${kind}`;

    beforeAll(async () => {
      emulator = await startEmulator({ kind, apiKey, name: kind });
      client = new OpenAI({ apiKey, baseURL: emulator.baseUrl, maxRetries: 0 });
    });
    afterAll(() => emulator.close());

    it("answers a plain chat deterministically with honest usage", async () => {
      const request = {
        model: "gpt-4o-mini",
        messages: [{ role: "user" as const, content: "Hello there, emulator" }],
      };
      const first = await client.chat.completions.create(request);
      const second = await client.chat.completions.create(request);
      const text = first.choices[0]?.message.content ?? "";
      expect(text).toContain("Hello there, emulator");
      expect(second.choices[0]?.message.content).toBe(text);
      expect(first.id).not.toBe(second.id);
      expect(first.object).toBe("chat.completion");
      expect(first.choices[0]?.finish_reason).toBe("stop");
      expect(first.usage?.completion_tokens).toBe(countTokens(text));
      expect(first.usage?.prompt_tokens).toBe(3 + 3 + countTokens("Hello there, emulator"));
      expect(first.usage?.total_tokens).toBe(
        (first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0),
      );
      expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
      expect(first.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
      expect(first.model).toBe(kind === "openai" ? "gpt-4o-mini-2024-07-18" : "gpt-4o-mini");
    });

    it("streams the same text as the non-streamed answer, one token per chunk, with a usage chunk", async () => {
      const request = {
        model: "any-model",
        messages: [{ role: "user" as const, content: "Stream me something — café ☕" }],
      };
      const whole = await client.chat.completions.create(request);
      const stream = await client.chat.completions.create({
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const contentChunks = chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? "") !== "");
      const text = contentChunks.map((chunk) => chunk.choices[0]?.delta.content).join("");
      expect(text).toBe(whole.choices[0]?.message.content);
      expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: "assistant", content: "" });
      const usageChunk = chunks.at(-1);
      expect(usageChunk?.choices).toEqual([]);
      expect(usageChunk?.usage?.completion_tokens).toBe(countTokens(text));
      expect(usageChunk?.usage?.completion_tokens).toBe(contentChunks.length);
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    });

    it("honours max_tokens and stop", async () => {
      const capped = await client.chat.completions.create({
        model: "gpt-4.1",
        max_completion_tokens: 4,
        messages: [{ role: "user", content: "Tell me a long story" }],
      });
      expect(capped.choices[0]?.finish_reason).toBe("length");
      expect(capped.usage?.completion_tokens).toBeLessThanOrEqual(4);
      const full = await client.chat.completions.create({
        model: "gpt-4.1",
        messages: [{ role: "user", content: "Tell me a long story" }],
      });
      const fullText = full.choices[0]?.message.content ?? "";
      const stop = fullText.slice(10, 14);
      const stopped = await client.chat.completions.create({
        model: "gpt-4.1",
        stop: [stop],
        messages: [{ role: "user", content: "Tell me a long story" }],
      });
      expect(stopped.choices[0]?.message.content).toBe(fullText.slice(0, fullText.indexOf(stop)));
      expect(stopped.choices[0]?.finish_reason).toBe("stop");
    });

    it("calls tools, and the stream helper reassembles the arguments", async () => {
      const runner = client.chat.completions.stream({
        model: "gpt-4o",
        messages: [{ role: "user", content: "What is the weather in Paris?" }],
        tools: [weatherTool, timeTool],
      });
      const completion = await runner.finalChatCompletion();
      const choice = completion.choices[0];
      expect(choice?.finish_reason).toBe("tool_calls");
      expect(choice?.message.content).toBeNull();
      const calls = (choice?.message.tool_calls ?? []).filter((call) => call.type === "function");
      expect(calls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
      const weather = JSON.parse(calls[0]?.function.arguments ?? "") as Record<string, unknown>;
      expect(weather).toMatchObject({ units: "c", days: 42, detailed: true });
      expect(["What", "the", "weather", "Paris"]).toContain(weather["city"]);
      expect(calls[0]?.id).toMatch(/^call_/);

      const single = await client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "What is the weather in Paris?" }],
        tools: [weatherTool, timeTool],
        parallel_tool_calls: false,
      });
      const singleCall = single.choices[0]?.message.tool_calls?.[0];
      expect(single.choices[0]?.message.tool_calls).toHaveLength(1);
      expect(single.usage?.completion_tokens).toBe(
        singleCall?.type === "function"
          ? countTokens(singleCall.function.name) + countTokens(singleCall.function.arguments)
          : -1,
      );
    });

    it("answers with text mentioning the tool result after a tool round", async () => {
      const answer = await client.chat.completions.create({
        model: "gpt-4o",
        tools: [weatherTool],
        messages: [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: '{"temp_c":21}' },
        ],
      });
      expect(answer.choices[0]?.finish_reason).toBe("stop");
      expect(answer.choices[0]?.message.content).toContain('The get_weather tool returned: {"temp_c":21}');
    });

    it("produces JSON for json_object and schema-valid JSON for json_schema", async () => {
      const object = await client.chat.completions.create({
        model: "gpt-4o-mini",
        response_format: { type: "json_object" },
        messages: [{ role: "user", content: "Reply in JSON please" }],
      });
      expect(typeof JSON.parse(object.choices[0]?.message.content ?? "")).toBe("object");

      const schema = {
        type: "object",
        properties: {
          name: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
          address: {
            type: "object",
            properties: { zip: { type: "integer", minimum: 1000 } },
            required: ["zip"],
          },
          kind: { type: ["string", "null"], enum: ["a", "b"] },
        },
        required: ["name", "tags", "address", "kind"],
        additionalProperties: false,
      };
      const structured = await client.chat.completions.create({
        model: "gpt-4o-mini",
        response_format: { type: "json_schema", json_schema: { name: "person", schema, strict: true } },
        messages: [{ role: "user", content: "Describe Ada Lovelace" }],
      });
      const parsed = JSON.parse(structured.choices[0]?.message.content ?? "") as Record<string, unknown>;
      expect(parsed).toMatchObject({ address: { zip: 1000 }, kind: "a" });
      expect(typeof parsed["name"]).toBe("string");
      expect(Array.isArray(parsed["tags"])).toBe(true);
    });

    it("serves embeddings as floats and as base64 (decoded by the SDK)", async () => {
      const floats = await client.embeddings.create({
        model: "text-embedding-3-small",
        input: ["alpha", "beta"],
        encoding_format: "float",
      });
      expect(floats.data).toHaveLength(2);
      const vector = floats.data[0]?.embedding ?? [];
      expect(vector).toHaveLength(1536);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
      expect(floats.usage.prompt_tokens).toBe(countTokens("alpha") + countTokens("beta"));

      const decoded = await client.embeddings.create({ model: "text-embedding-3-small", input: "alpha" });
      expect(decoded.data[0]?.embedding).toEqual(vector);

      const raw = await client.embeddings.create({
        model: "text-embedding-3-small",
        input: "alpha",
        encoding_format: "base64",
        dimensions: 8,
      });
      const base64 = raw.data[0]?.embedding as unknown as string;
      expect(typeof base64).toBe("string");
      const bytes = Buffer.from(base64, "base64");
      expect(bytes.length).toBe(8 * 4);
    });

    it("lists and retrieves models; missing-* is not found", async () => {
      const ids = [];
      for await (const model of client.models.list()) ids.push(model.id);
      expect(ids).toEqual(expect.arrayContaining(["gpt-4o-mini", "gpt-4.1", "text-embedding-3-small"]));
      expect((await client.models.retrieve("my-own-model")).id).toBe("my-own-model");
      await expect(client.models.retrieve("missing-model")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it("rejects a wrong key and a missing-* model like the real API", async () => {
      const wrong = new OpenAI({ apiKey: "wrong", baseURL: emulator.baseUrl, maxRetries: 0 });
      const denied = await wrong.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
        .catch((error: unknown) => error);
      expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((denied as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");

      const missing = await client.chat.completions
        .create({ model: "missing-x", messages: [{ role: "user", content: "hi" }] })
        .catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
      expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
      await expect(
        client.embeddings.create({ model: "missing-embedder", input: "x" }),
      ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it("validates requests like the real API", async () => {
      const post = (body: string) =>
        fetch(`${emulator.baseUrl}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}` },
          body,
        });
      const badJson = await post("{not json");
      expect(badJson.status).toBe(400);
      const noMessages = await post(JSON.stringify({ model: "gpt-4o" }));
      expect(await noMessages.json()).toMatchObject({
        error: { param: "messages", type: "invalid_request_error" },
      });
      const noModel = await post(JSON.stringify({ messages: [{ role: "user", content: "hi" }] }));
      expect(noModel.status).toBe(400);
      expect(await noModel.json()).toMatchObject({ error: { param: "model" } });
      const streamOptions = await post(
        JSON.stringify({
          model: "m",
          messages: [{ role: "user", content: "hi" }],
          stream_options: { include_usage: true },
        }),
      );
      expect(streamOptions.status).toBe(400);
      expect(await streamOptions.json()).toMatchObject({ error: { param: "stream_options" } });
      const unknownFields = await post(
        JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], whatever: 1 }),
      );
      expect(unknownFields.status).toBe(200);
    });

    it("sends the real service's response headers", async () => {
      const { response } = await client.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(response.headers.get("x-request-id")).toBeTruthy();
      if (kind === "openai") {
        expect(response.headers.get("openai-processing-ms")).toMatch(/^\d+$/);
        expect(response.headers.get("x-ratelimit-remaining-requests")).toMatch(/^\d+$/);
      }
    });
  },
);
