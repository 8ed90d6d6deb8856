import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
  ValidationException,
  type ResponseStream,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../types.js";
import { startBedrockEmulator } from "./bedrock-emulator.js";

const credentials = { accessKeyId: "AKIAEMULATOR0000002", secretAccessKey: "emulator/secret/key+0002" };
const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

let emulator: RunningEmulator;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  emulator = await startBedrockEmulator({ name: "aws-invoke", credentials });
  // Unmodified but for the HTTP/1.1 handler (the default speaks HTTP/2 only) and no SDK retries.
  client = new BedrockRuntimeClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.faults.resetRequests();
});

const weatherTool = {
  name: "get_weather",
  description: "Current weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function claudeBody(extra: Record<string, unknown> = {}): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hello there, Claude on Bedrock" }],
      ...extra,
    }),
  );
}

async function invoke(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const answer = await client.send(
    new InvokeModelCommand({ modelId: MODEL, contentType: "application/json", body: claudeBody(extra) }),
  );
  return JSON.parse(new TextDecoder().decode(answer.body)) as Record<string, unknown>;
}

/** The Anthropic events inside the SDK's decoded `chunk` events. */
async function events(stream: AsyncIterable<ResponseStream> | undefined): Promise<Record<string, unknown>[]> {
  if (stream === undefined) throw new Error("no stream");
  const out: Record<string, unknown>[] = [];
  for await (const event of stream) {
    const bytes = event.chunk?.bytes;
    if (bytes !== undefined) out.push(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>);
  }
  return out;
}

describe("Claude through InvokeModel, with the official @aws-sdk/client-bedrock-runtime", () => {
  it("InvokeModel: Anthropic's message, at /model/{id}/invoke, signed with SigV4", async () => {
    const message = await invoke();
    expect(message["type"]).toBe("message");
    expect(message["id"]).toMatch(/^msg_bdrk_01/);
    expect(message["model"]).toBe(MODEL);
    expect(message["stop_reason"]).toBe("end_turn");
    const content = message["content"] as { type: string; text: string }[];
    expect(content[0]?.text).toContain("Hello there, Claude on Bedrock");
    const usage = message["usage"] as { input_tokens: number; output_tokens: number };
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
    const log = emulator.faults.requests();
    expect(log.last_path).toBe("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke");
    expect(log.last_headers?.["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEMULATOR0000002\//);
  });

  it("InvokeModel: a tool_use block, then the answer after the tool_result", async () => {
    const question = { role: "user", content: "What is the weather in Paris?" };
    const first = await invoke({
      messages: [question],
      tools: [weatherTool],
      tool_choice: { type: "any" },
    });
    expect(first["stop_reason"]).toBe("tool_use");
    const call = (first["content"] as { type: string; id: string; name: string }[]).find(
      (block) => block.type === "tool_use",
    );
    expect(call?.name).toBe("get_weather");
    expect(call?.id).toMatch(/^toolu_/);
    const second = await invoke({
      tools: [weatherTool],
      messages: [
        question,
        { role: "assistant", content: first["content"] },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: call?.id, content: "18 degrees, clear" }],
        },
      ],
    });
    expect(second["stop_reason"]).toBe("end_turn");
  });

  it("InvokeModelWithResponseStream: chunk events carry Anthropic's events, the last with Bedrock's metrics", async () => {
    const answer = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: claudeBody() }),
    );
    const got = await events(answer.body);
    expect(emulator.faults.requests().last_path).toMatch(/\/invoke-with-response-stream$/);
    const types = got.map((event) => event["type"]);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(types).not.toContain("ping");
    const text = got
      .filter((event) => event["type"] === "content_block_delta")
      .map((event) => (event["delta"] as { text?: string }).text ?? "")
      .join("");
    const whole = await invoke();
    expect(text).toBe((whole["content"] as { text: string }[])[0]?.text);
    const metrics = got.at(-1)?.["amazon-bedrock-invocationMetrics"] as Record<string, number>;
    expect(metrics["outputTokenCount"]).toBeGreaterThan(0);
  });

  it("a stream_error fault is a modelStreamErrorException inside the stream; a 429 a ThrottlingException", async () => {
    emulator.faults.set({ stream_error: true, stream_error_after_chunks: 2, match: "stream" });
    const answer = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: claudeBody() }),
    );
    await expect(events(answer.body)).rejects.toBeInstanceOf(ModelStreamErrorException);
    emulator.faults.set({ status: 429 });
    await expect(invoke()).rejects.toBeInstanceOf(ThrottlingException);
  });

  it("validates as Bedrock does: anthropic_version required, no model, no stream, known beta flags", async () => {
    const refused = async (body: Record<string, unknown>): Promise<string> => {
      const error = await client
        .send(
          new InvokeModelCommand({ modelId: MODEL, body: new TextEncoder().encode(JSON.stringify(body)) }),
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(ValidationException);
      return (error as ValidationException).message;
    };
    const base = { max_tokens: 16, messages: [{ role: "user", content: "hi" }] };
    expect(await refused(base)).toContain("required key [anthropic_version] not found");
    expect(await refused({ ...base, anthropic_version: "2023-06-01" })).toBe("Invalid API version");
    const version = { anthropic_version: "bedrock-2023-05-31" };
    expect(await refused({ ...base, ...version, model: "claude" })).toContain("extraneous key [model]");
    expect(await refused({ ...base, ...version, stream: true })).toContain("extraneous key [stream]");
    expect(await refused({ ...base, ...version, anthropic_beta: ["files-api-2025-04-14"] })).toBe(
      "invalid beta flag: files-api-2025-04-14",
    );
    expect(await refused({ ...version, messages: base.messages })).toContain("max_tokens: Field required");
    // A flag Bedrock takes is accepted and recorded.
    await invoke({ anthropic_beta: ["interleaved-thinking-2025-05-14"] });
    const last = emulator.faults.requests().last as Record<string, unknown>;
    expect(last["anthropic_beta"]).toEqual(["interleaved-thinking-2025-05-14"]);
  });
});
