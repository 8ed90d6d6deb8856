import { countTokens } from "gpt-tokenizer";
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "./index.js";
import type { RunningEmulator } from "./index.js";

const apiKey = "azure-test-key";

/** Reads an SSE body into its `data:` payloads. */
async function ssePayloads(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => frame.slice("data: ".length));
}

describe("azure emulator", () => {
  let emulator: RunningEmulator;
  let client: AzureOpenAI;

  beforeAll(async () => {
    emulator = await startEmulator({ kind: "azure", apiKey, name: "azure-eastus" });
    client = new AzureOpenAI({
      apiKey,
      endpoint: emulator.baseUrl,
      apiVersion: "2024-10-21",
      deployment: "gpt-4o-mini",
      maxRetries: 0,
    });
  });
  afterAll(() => emulator.close());

  it("answers chat on the classic deployment route with Azure's filter annotations", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "ignored-by-azure", messages: [{ role: "user", content: "What is 4200 + 42?" }] })
      .withResponse();
    const raw = data as unknown as Record<string, unknown>;
    expect(data.model).toBe("gpt-4o-mini-2024-07-18");
    expect(raw["prompt_filter_results"]).toEqual([
      expect.objectContaining({
        prompt_index: 0,
        content_filter_results: expect.objectContaining({
          jailbreak: { filtered: false, detected: false },
        }) as unknown,
      }),
    ]);
    expect((data.choices[0] as unknown as Record<string, unknown>)["content_filter_results"]).toMatchObject({
      hate: { filtered: false, severity: "safe" },
    });
    expect(data.usage?.completion_tokens).toBe(countTokens(data.choices[0]?.message.content ?? ""));
    expect(response.headers.get("apim-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-ms-region")).toBe("East US");
    expect(emulator.faults.requests().last_path).toBe(
      "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21",
    );
    expect(emulator.faults.requests().last_headers?.["api-key"]).toBe(apiKey);
  });

  it("streams with the prompt-filter preamble and per-chunk content filter results", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Stream please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({ id: "", object: "", created: 0, model: "", choices: [] });
    expect(chunks[0]).toHaveProperty("prompt_filter_results");
    const content = chunks.filter((chunk) => (chunk.choices[0]?.delta?.content ?? "") !== "");
    expect(content.length).toBeGreaterThan(0);
    for (const chunk of content)
      expect(chunk.choices[0]).toHaveProperty("content_filter_results.hate.severity", "safe");
    const text = content.map((chunk) => chunk.choices[0]?.delta.content).join("");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(countTokens(text));
  });

  it("serves embeddings on the classic route", async () => {
    const result = await client.embeddings.create({ model: "text-embedding-3-small", input: ["one", "two"] });
    expect(result.data.map((item) => item.embedding.length)).toEqual([1536, 1536]);
  });

  it("serves the v1 route to a plain OpenAI client (Bearer key, deployment = body model)", async () => {
    const plain = new OpenAI({ baseURL: `${emulator.url}/openai/v1`, apiKey, maxRetries: 0 });
    const completion = await plain.chat.completions.create({
      model: "my-deployment",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.model).toBe("my-deployment");
    const ids = [];
    for await (const model of plain.models.list()) ids.push(model.id);
    expect(ids).toContain("gpt-4o-mini");
    const embedded = await plain.embeddings.create({
      model: "text-embedding-3-small",
      input: "x",
      dimensions: 16,
    });
    expect(embedded.data[0]?.embedding).toHaveLength(16);
    await expect(
      plain.chat.completions.create({
        model: "missing-deployment",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toMatchObject({
      status: 404,
      code: "DeploymentNotFound",
    });
  });

  it("answers 404 Resource not found without api-version on the classic route", async () => {
    const response = await fetch(`${emulator.url}/openai/deployments/gpt-4o-mini/chat/completions`, {
      method: "POST",
      headers: { "api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
  });

  it("rejects a wrong key Azure-style and a missing deployment as DeploymentNotFound", async () => {
    const wrong = new AzureOpenAI({
      apiKey: "nope",
      endpoint: emulator.baseUrl,
      apiVersion: "2024-10-21",
      deployment: "gpt-4o-mini",
      maxRetries: 0,
    });
    const denied = await wrong.chat.completions
      .create({ model: "x", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((denied as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("401");
    const missing = new AzureOpenAI({
      apiKey,
      endpoint: emulator.baseUrl,
      apiVersion: "2024-10-21",
      deployment: "missing-gpt",
      maxRetries: 0,
    });
    await expect(
      missing.chat.completions.create({ model: "x", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: "DeploymentNotFound",
    });
  });

  it("puts the tool-call stream on the wire like the recorded Azure fixture", async () => {
    const response = await fetch(
      `${emulator.url}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
      {
        method: "POST",
        headers: { "api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          stream: true,
          messages: [{ role: "user", content: "What is the secret password?" }],
          tools: [
            {
              type: "function",
              function: {
                name: "secret_retrieval_tool",
                parameters: {
                  type: "object",
                  properties: { password: { type: "string" } },
                  required: ["password"],
                },
              },
            },
          ],
        }),
      },
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const payloads = await ssePayloads(response);
    expect(payloads.at(-1)).toBe("[DONE]");
    const chunks = payloads
      .slice(0, -1)
      .map((payload) => JSON.parse(payload) as { choices: Record<string, unknown>[]; usage?: unknown });
    expect(chunks[1]?.choices[0]).toMatchObject({
      content_filter_results: {},
      delta: { content: null, role: "assistant" },
    });
    expect(chunks[2]?.choices[0]).toMatchObject({
      delta: {
        tool_calls: [
          {
            index: 0,
            id: expect.stringMatching(/^call_/) as unknown,
            type: "function",
            function: { name: "secret_retrieval_tool", arguments: "" },
          },
        ],
      },
    });
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "tool_calls" });
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
  });
});
