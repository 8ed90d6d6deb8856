import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type, type Content } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../types.js";
import { startGeminiEmulator } from "./index.js";

const KEY = "gemini-test-key";
let emulator: RunningEmulator;
let ai: GoogleGenAI;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: KEY });
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emulator.url } });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.faults.clear();
  emulator.faults.resetRequests();
});

const weatherTool = {
  functionDeclarations: [
    {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: Type.OBJECT,
        properties: { city: { type: Type.STRING } },
        required: ["city"],
      },
    },
  ],
};

describe("Gemini emulator with the official @google/genai SDK (Gemini API mode)", () => {
  it("generateContent: text, finish reason, usage, and the request on the wire", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Tell me about lighthouses",
      config: { systemInstruction: "Be brief.", temperature: 0.2 },
    });
    expect(response.text).toContain('You said: "Tell me about lighthouses"');
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.modelVersion).toBe("gemini-2.5-flash");
    const usage = response.usageMetadata;
    expect(usage?.promptTokenCount).toBeGreaterThan(0);
    expect(usage?.candidatesTokenCount).toBeGreaterThan(0);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0));
    const log = emulator.faults.requests();
    expect(log.last_path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(log.last_headers?.["x-goog-api-key"]).toBe(KEY);
    expect(log.last).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Tell me about lighthouses" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { temperature: 0.2 },
    });
  });

  it("generateContentStream: chunks concatenate to the non-streamed text; usage is a running total", async () => {
    const request = { model: "gemini-2.5-flash", contents: "Stream a reply please" };
    const whole = await ai.models.generateContent(request);
    const stream = await ai.models.generateContentStream(request);
    let text = "";
    const counts: number[] = [];
    let finish: string | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      counts.push(chunk.usageMetadata?.candidatesTokenCount ?? 0);
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe(whole.text);
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(whole.usageMetadata?.candidatesTokenCount);
    expect(finish).toBe("STOP");
    expect(emulator.faults.requests().last_path).toBe(
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
  });

  it("function calling: a forced call with arguments from the schema, then the function response", async () => {
    const contents: Content[] = [{ role: "user", parts: [{ text: "Weather in Lisbon?" }] }];
    const first = await ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents,
      config: {
        tools: [weatherTool],
        toolConfig: {
          functionCallingConfig: {
            mode: FunctionCallingConfigMode.ANY,
            allowedFunctionNames: ["get_weather"],
          },
        },
      },
    });
    const calls = first.functionCalls ?? [];
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe("get_weather");
    expect(typeof calls[0]?.args?.["city"]).toBe("string");
    const modelTurn = first.candidates?.[0]?.content;
    expect(modelTurn?.parts?.[0]?.thoughtSignature).toEqual(expect.any(String));
    expect(first.candidates?.[0]?.finishReason).toBe("STOP");

    // Replaying the model turn as the SDK returned it keeps the signature: Gemini 3 accepts it.
    const second = await ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: [
        ...contents,
        modelTurn ?? {},
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: { temp_c: 19 } } } }],
        },
      ],
      config: { tools: [weatherTool] },
    });
    expect(second.text).toContain('The get_weather tool returned: {"temp_c":19}.');

    // Without it, Gemini 3 refuses the replay.
    const unsigned = ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: [
        ...contents,
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Lisbon" } } }] },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }],
        },
      ],
      config: { tools: [weatherTool] },
    });
    await expect(unsigned).rejects.toMatchObject({ status: 400 });
  });

  it("embedContent: one vector per input, deterministic, outputDimensionality honoured", async () => {
    const response = await ai.models.embedContent({
      model: "gemini-embedding-001",
      contents: ["first text", "second text", "first text"],
      config: { outputDimensionality: 16 },
    });
    const vectors = response.embeddings?.map((embedding) => embedding.values ?? []) ?? [];
    expect(vectors).toHaveLength(3);
    expect(vectors.every((vector) => vector.length === 16)).toBe(true);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    expect(emulator.faults.requests().last_path).toBe(
      "/v1beta/models/gemini-embedding-001:batchEmbedContents",
    );
  });

  it("countTokens and models.get", async () => {
    const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "How many tokens?" });
    expect(counted.totalTokens).toBeGreaterThan(3);
    const model = await ai.models.get({ model: "gemini-2.5-pro" });
    expect(model.name).toBe("models/gemini-2.5-pro");
  });

  it("a wrong key is Google's 400 API_KEY_INVALID; a missing-* model is 404 NOT_FOUND", async () => {
    const wrong = new GoogleGenAI({ apiKey: "nope", httpOptions: { baseUrl: emulator.url } });
    const error: unknown = await wrong.models
      .generateContent({ model: "gemini-2.5-flash", contents: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain("API_KEY_INVALID");
    await expect(ai.models.generateContent({ model: "missing-model", contents: "x" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("fault 429 surfaces as the SDK's ApiError with status 429, RetryInfo in the body", async () => {
    emulator.faults.set({ status: 429, retry_after_s: 7, count: 1 });
    const error: unknown = await ai.models
      .generateContent({ model: "gemini-2.5-flash", contents: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED");
    expect((error as ApiError).message).toContain("7s");
    // The fault was used up: the next request is served.
    await expect(
      ai.models.generateContent({ model: "gemini-2.5-flash", contents: "x" }),
    ).resolves.toBeDefined();
  });

  it("blocked (prompt): promptFeedback.blockReason without candidates, streamed or not", async () => {
    emulator.faults.set({ blocked: true, count: 2 });
    const blocked = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "something bad" });
    expect(blocked.promptFeedback?.blockReason).toBe("SAFETY");
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.text).toBeUndefined();
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "bad",
    }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.promptFeedback?.blockReason).toBe("SAFETY");
    expect(chunks[0]?.candidates).toBeUndefined();
    expect(emulator.faults.current()).toBeUndefined();
  });

  it('blocked: "answer": a SAFETY candidate with no content, streamed or not, with usage', async () => {
    emulator.faults.set({ blocked: "answer", count: 2 });
    const withheld = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "something bad",
    });
    expect(withheld.promptFeedback).toBeUndefined();
    expect(withheld.candidates?.[0]?.finishReason).toBe("SAFETY");
    expect(withheld.candidates?.[0]?.content).toBeUndefined();
    expect(withheld.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "bad",
    }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]?.finishReason).toBe("SAFETY");
    expect(emulator.faults.current()).toBeUndefined();
  });

  it("stream faults: stream_error is raised while iterating; cut_after_chunks ends the body early", async () => {
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 2, count: 1 });
    const received: string[] = [];
    const failing = async () => {
      for await (const chunk of await ai.models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: "hi there",
      }))
        received.push(chunk.text ?? "");
    };
    await expect(failing()).rejects.toThrow(/INTERNAL|internal error/i);
    expect(received).toHaveLength(2);

    emulator.faults.set({ cut_after_chunks: 1, count: 1 });
    const cut: string[] = [];
    const cutting = async () => {
      for await (const chunk of await ai.models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: "hi there",
      }))
        cut.push(chunk.text ?? "");
    };
    await expect(cutting()).rejects.toThrow();
    expect(cut).toHaveLength(1);
  });

  it("without alt=sse a stream is one JSON array of responses", async () => {
    const response = await fetch(`${emulator.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "array please" }] }] }),
    });
    expect(response.headers.get("content-type")).toContain("application/json");
    const chunks = (await response.json()) as { candidates: { finishReason?: string }[] }[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
  });
});
