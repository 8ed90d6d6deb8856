import { Writable } from "node:stream";
import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROVIDERS, demoConfigDocument } from "../../src/config/demo.js";
import { resolveConfig } from "../../src/config/load.js";
import { startEmulators } from "../../src/emulators/index.js";
import { startGateway, type RunningGateway } from "../../src/http/server.js";

/**
 * Issue 10, defect 6: a provider refusing the gateway's own key used to forward its message to the
 * client — with fragments of that key (`Incorrect API key provided: sk-****…abcd`). The client now
 * learns only which provider refused; the provider's words go to the log, once.
 */
const key = "sk-test-auth-failure";
const wrongKey = "sk-wrong-provider-key-0000abcd";
const logLines: Record<string, unknown>[] = [];
let gateway: RunningGateway;
let closeFleet: () => Promise<void>;

beforeAll(async () => {
  const fleet = await startEmulators({ apiKeyPrefix: "auth", fleet: DEMO_PROVIDERS });
  closeFleet = () => fleet.close();
  const upstreams = new Map(fleet.emulators.map((emulator) => [emulator.name, emulator]));
  const document = demoConfigDocument(upstreams, key, 0) as Record<string, unknown>;
  document.server = { host: "127.0.0.1", port: 0, log_level: "warn" };
  const providers = document.providers as Record<string, Record<string, unknown>>;
  (providers.openai as Record<string, unknown>).api_key = wrongKey;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  gateway = await startGateway(resolveConfig(document, "test", {}), pino({ level: "warn" }, sink));
});
afterAll(async () => {
  await gateway.close(1_000);
  await closeFleet();
});

describe("a provider that refuses the gateway's credentials (issue 10, defect 6)", () => {
  it("gives the SDK a generic error naming the provider, never the provider's message or key fragments", async () => {
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-switchyard-providers": "openai" },
    });
    for (let round = 0; round < 3; round++) {
      const error = await client.chat.completions
        .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(502);
      expect(apiError.code).toBe("upstream_auth_failed");
      expect(apiError.message).toContain("openai");
      expect(apiError.message).not.toMatch(/abcd|Incorrect API key|sk-/);
      expect(apiError.param ?? null).toBeNull();
    }
    // The operator reads the provider's own words, once rather than per request.
    const warnings = logLines.filter((line) => line.provider === "openai" && line.detail !== undefined);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.detail)).toContain("Incorrect API key provided");
  });
});
