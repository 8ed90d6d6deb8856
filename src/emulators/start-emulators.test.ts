import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { startEmulator, startEmulators } from "./index.js";

describe("startEmulators", () => {
  it("starts one emulator of each kind with predictable names and keys", async () => {
    const fleet = await startEmulators({ apiKeyPrefix: "demo" });
    try {
      expect(fleet.emulators.map((emulator) => [emulator.kind, emulator.name])).toEqual([
        ["openai", "openai"],
        ["azure", "azure-eastus"],
        ["openai-compatible", "llama-host"],
      ]);
      const llama = fleet.emulators[2];
      if (llama === undefined) throw new Error("no llama-host");
      expect(llama.baseUrl).toBe(`${llama.url}/v1`);
      const client = new OpenAI({ apiKey: "demo-llama-host", baseURL: llama.baseUrl, maxRetries: 0 });
      await expect(
        client.chat.completions.create({ model: "llama-3", messages: [{ role: "user", content: "hi" }] }),
      ).resolves.toBeDefined();
    } finally {
      await fleet.close();
    }
  });
});

describe("pacing", () => {
  it("paces a stream without changing it, and stops writing when the client leaves", async () => {
    const emulator = await startEmulator({
      kind: "openai",
      apiKey: "k",
      pacing: { timeToFirstTokenMs: 5, tokensPerSecond: 2000 },
    });
    try {
      const client = new OpenAI({ apiKey: "k", baseURL: emulator.baseUrl, maxRetries: 0 });
      const request = { model: "m", messages: [{ role: "user" as const, content: "paced please" }] };
      const whole = await client.chat.completions.create(request);
      let text = "";
      for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
        text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe(whole.choices[0]?.message.content);

      const slow = await startEmulator({
        kind: "openai",
        apiKey: "k",
        pacing: { timeToFirstTokenMs: 0, tokensPerSecond: 1 },
      });
      const slowClient = new OpenAI({ apiKey: "k", baseURL: slow.baseUrl, maxRetries: 0 });
      const stream = await slowClient.chat.completions.create({ ...request, stream: true });
      for await (const _chunk of stream) break; // the SDK aborts the request on break
      // Closing must not wait for the abandoned stream's timers.
      await slow.close();
    } finally {
      await emulator.close();
    }
  });
});
