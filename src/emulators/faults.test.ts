import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "./index.js";
import type { RunningEmulator } from "./index.js";

const apiKey = "fault-key";
const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

async function putFault(emulator: RunningEmulator, fault: unknown): Promise<Response> {
  return fetch(`${emulator.url}/__emulator/faults`, { method: "PUT", body: JSON.stringify(fault) });
}

async function requestCount(emulator: RunningEmulator): Promise<number> {
  const log = (await (await fetch(`${emulator.url}/__emulator/requests`)).json()) as { count: number };
  return log.count;
}

describe("fault injection", () => {
  let emulator: RunningEmulator;
  let client: OpenAI;

  beforeAll(async () => {
    emulator = await startEmulator({ kind: "openai", apiKey, name: "faulty" });
    client = new OpenAI({ apiKey, baseURL: emulator.baseUrl, maxRetries: 0 });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await fetch(`${emulator.url}/__emulator/faults`, { method: "DELETE" });
    await fetch(`${emulator.url}/__emulator/requests`, { method: "DELETE" });
  });

  it("503 with count 1 fails once, then the emulator answers again", async () => {
    expect((await putFault(emulator, { status: 503, count: 1 })).status).toBe(200);
    const failure = await client.chat.completions.create(hello).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failure).toMatchObject({ status: 503, type: "server_error" });
    const success = await client.chat.completions.create(hello);
    expect(success.choices[0]?.finish_reason).toBe("stop");
    expect(await (await fetch(`${emulator.url}/__emulator/faults`)).json()).toEqual({ fault: null });
    expect(await requestCount(emulator)).toBe(2);
  });

  it("429 carries retry-after and the rate-limit envelope", async () => {
    await putFault(emulator, { status: 429, retry_after_s: 7 });
    const failure = await client.chat.completions.create(hello).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    const error = failure as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.headers.get("retry-after")).toBe("7");
    expect(error.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
  });

  it("429 on Azure adds retry-after-ms and Azure's error body", async () => {
    const azure = await startEmulator({ kind: "azure", apiKey });
    try {
      azure.faults.set({ status: 429, retry_after_s: 2 });
      const azureClient = new AzureOpenAI({
        apiKey,
        endpoint: azure.baseUrl,
        apiVersion: "2024-10-21",
        deployment: "gpt-4o",
        maxRetries: 0,
      });
      const failure = (await azureClient.chat.completions
        .create(hello)
        .catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(failure.status).toBe(429);
      expect(failure.code).toBe("429");
      expect(failure.headers?.get("retry-after")).toBe("2");
      expect(failure.headers?.get("retry-after-ms")).toBe("2000");
    } finally {
      await azure.close();
    }
  });

  it("reset destroys the connection: the SDK reports APIConnectionError", async () => {
    emulator.faults.set({ reset: true, count: 1 });
    await expect(client.chat.completions.create(hello)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await requestCount(emulator)).toBe(1);
  });

  it("cut_after_chunks delivers N events and then drops the socket without [DONE]", async () => {
    await putFault(emulator, { cut_after_chunks: 3, match: "stream" });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    const received: unknown[] = [];
    const outcome = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((error: unknown) => error);
    expect(received).toHaveLength(3);
    // undici reports the truncated chunked body as `TypeError: terminated`; the SDK passes it through.
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).message).toBe("terminated");
  });

  it("stream_error sends an in-stream error event that the SDK raises as APIError", async () => {
    await putFault(emulator, { stream_error: true, stream_error_after_chunks: 2 });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    let received = 0;
    const outcome = await (async () => {
      for await (const _chunk of stream) received += 1;
    })().catch((error: unknown) => error);
    expect(received).toBe(2);
    expect(outcome).toBeInstanceOf(OpenAI.APIError);
    expect(outcome).toMatchObject({ type: "server_error", code: "server_error" });
  });

  it("stream-only faults leave non-streaming requests alone and are not consumed by them", async () => {
    emulator.faults.set({ cut_after_chunks: 1, count: 1 });
    const plain = await client.chat.completions.create(hello);
    expect(plain.choices[0]?.message.content).toBeTruthy();
    expect(emulator.faults.current()).toEqual({ cut_after_chunks: 1, count: 1 });
  });

  it("latency_ms delays but still answers", async () => {
    await putFault(emulator, { latency_ms: 50 });
    const answer = await client.chat.completions.create(hello);
    expect(answer.choices[0]?.finish_reason).toBe("stop");
  });

  it("match restricts the fault to embeddings", async () => {
    await putFault(emulator, { status: 500, match: "embeddings" });
    await expect(client.chat.completions.create(hello)).resolves.toBeDefined();
    await expect(
      client.embeddings.create({ model: "text-embedding-3-small", input: "x" }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it("a status fault answers in the provider's envelope for 400/401/404", async () => {
    for (const [status, ErrorClass] of [
      [400, OpenAI.BadRequestError],
      [401, OpenAI.AuthenticationError],
      [404, OpenAI.NotFoundError],
    ] as const) {
      emulator.faults.set({ status, count: 1 });
      await expect(client.chat.completions.create(hello)).rejects.toBeInstanceOf(ErrorClass);
    }
  });

  it("rejects a malformed fault body with 400 and keeps the previous fault", async () => {
    emulator.faults.set({ status: 502 });
    for (const bad of [{ status: 200 }, { retry_after: 3 }, { match: "everything" }, { count: 0 }]) {
      const response = await putFault(emulator, bad);
      expect(response.status).toBe(400);
    }
    const notJson = await fetch(`${emulator.url}/__emulator/faults`, { method: "PUT", body: "{" });
    expect(notJson.status).toBe(400);
    expect(emulator.faults.current()).toEqual({ status: 502 });
    expect(() => emulator.faults.set({ status: 99 })).toThrow();
  });

  it("logs the requests it receives, faulted or not, and resets the log", async () => {
    emulator.faults.set({ status: 500, count: 1 });
    await client.chat.completions.create(hello).catch(() => undefined);
    await client.embeddings.create({ model: "text-embedding-3-small", input: "last one" });
    const log = (await (await fetch(`${emulator.url}/__emulator/requests`)).json()) as {
      count: number;
      last: unknown;
    };
    expect(log).toMatchObject({ count: 2, last: { model: "text-embedding-3-small", input: "last one" } });
    await fetch(`${emulator.url}/__emulator/requests`, { method: "DELETE" });
    expect(emulator.faults.requests()).toMatchObject({ count: 0, last: null });
  });
});
