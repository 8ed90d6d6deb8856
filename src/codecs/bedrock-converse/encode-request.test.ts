import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { encodeBedrockConverseRequest, JSON_MODE_INSTRUCTION } from "./encode-request.js";

const target = { nativeModel: "anthropic.claude-3-5-haiku-20241022-v1:0" };

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "claude-3-5-haiku",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    stream: false,
    includeUsage: false,
    ...overrides,
  };
}

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

const weather = {
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("encodeBedrockConverseRequest", () => {
  it("system prompts go to `system`, in order; inference settings to inferenceConfig; no model in the body", () => {
    const { body, warnings } = encodeBedrockConverseRequest(
      request({
        messages: [
          { role: "system", content: "You are terse." },
          { role: "system", content: "Answer in French.", originalRole: "developer" },
          { role: "user", content: [{ type: "text", text: "Hi" }] },
        ],
        maxOutputTokens: 256,
        temperature: 0.2,
        topP: 0.9,
        stop: ["END", "STOP"],
      }),
      target,
    );
    expect(body).toEqual({
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
      system: [{ text: "You are terse." }, { text: "Answer in French." }],
      inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ["END", "STOP"] },
    });
    expect(warnings).toEqual([]);
  });

  it("tools, tool choices, tool calls and merged tool results", () => {
    const base = request({
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Oslo?" }] },
        {
          role: "assistant",
          content: [{ type: "text", text: "Checking both." }],
          toolCalls: [
            { id: "tooluse_1", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "tooluse_2", name: "get_weather", arguments: '{"city":"Oslo"}' },
          ],
        },
        { role: "tool", toolCallId: "tooluse_1", content: "21C" },
        { role: "tool", toolCallId: "tooluse_2", content: "4C" },
        { role: "user", content: [{ type: "text", text: "And tomorrow?" }] },
      ],
      tools: [weather],
      toolChoice: { type: "required" },
    });
    const { body } = encodeBedrockConverseRequest(base, target);
    expect(body["messages"]).toEqual([
      { role: "user", content: [{ text: "Weather in Paris and Oslo?" }] },
      {
        role: "assistant",
        content: [
          { text: "Checking both." },
          { toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } },
          { toolUse: { toolUseId: "tooluse_2", name: "get_weather", input: { city: "Oslo" } } },
        ],
      },
      {
        role: "user",
        content: [
          { toolResult: { toolUseId: "tooluse_1", content: [{ text: "21C" }], status: "success" } },
          { toolResult: { toolUseId: "tooluse_2", content: [{ text: "4C" }], status: "success" } },
          { text: "And tomorrow?" },
        ],
      },
    ]);
    expect(body["toolConfig"]).toEqual({
      tools: [
        {
          toolSpec: {
            name: "get_weather",
            description: "Weather in a city",
            inputSchema: { json: weather.parameters },
          },
        },
      ],
      toolChoice: { any: {} },
    });
    const choices = [
      [{ type: "auto" }, { auto: {} }],
      [{ type: "tool", name: "get_weather" }, { tool: { name: "get_weather" } }],
    ] as const;
    for (const [choice, wire] of choices) {
      const encoded = encodeBedrockConverseRequest({ ...base, toolChoice: choice }, target);
      expect((encoded.body["toolConfig"] as { toolChoice: unknown }).toolChoice).toEqual(wire);
    }
  });

  it('tool_choice "none" leaves the tools out with a warning, or refuses when the history has tool calls', () => {
    const { body, warnings } = encodeBedrockConverseRequest(
      request({ tools: [weather], toolChoice: { type: "none" } }),
      target,
    );
    expect(body["toolConfig"]).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ code: "parameter_changed", param: "tool_choice" })]);

    const error = thrown(() =>
      encodeBedrockConverseRequest(
        request({
          tools: [weather],
          toolChoice: { type: "none" },
          messages: [
            { role: "user", content: [{ type: "text", text: "Weather?" }] },
            {
              role: "assistant",
              content: [],
              toolCalls: [{ id: "t1", name: "get_weather", arguments: "{}" }],
            },
            { role: "tool", toolCallId: "t1", content: "sunny" },
          ],
        }),
        target,
      ),
    );
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("tool_choice");
  });

  it("invalid tool-call arguments are the client's error, naming the field", () => {
    const error = thrown(() =>
      encodeBedrockConverseRequest(
        request({
          messages: [
            { role: "user", content: [{ type: "text", text: "x" }] },
            { role: "assistant", content: [], toolCalls: [{ id: "t1", name: "f", arguments: "{not json" }] },
          ],
        }),
        target,
      ),
    );
    expect(error.code).toBe("invalid_request");
    expect(error.param).toBe("messages[1].tool_calls[0].function.arguments");
  });

  it("data: URL images become bytes with their format; https URLs are refused naming the field", () => {
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const { body, warnings } = encodeBedrockConverseRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", url: `data:image/png;base64,${png}`, detail: "high" },
              { type: "image", url: "data:image/jpeg;base64,/9j/4AAQ" },
            ],
          },
        ],
      }),
      target,
    );
    expect(body["messages"]).toEqual([
      {
        role: "user",
        content: [
          { text: "What is this?" },
          { image: { format: "png", source: { bytes: png } } },
          { image: { format: "jpeg", source: { bytes: "/9j/4AAQ" } } },
        ],
      },
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: "parameter_ignored",
        param: "messages[0].content[1].image_url.detail",
      }),
    ]);

    const linked = thrown(() =>
      encodeBedrockConverseRequest(
        request({
          messages: [{ role: "user", content: [{ type: "image", url: "https://example.com/cat.png" }] }],
        }),
        target,
      ),
    );
    expect(linked.code).toBe("unsupported_parameter");
    expect(linked.param).toBe("messages[0].content[0].image_url.url");

    const svg = thrown(() =>
      encodeBedrockConverseRequest(
        request({
          messages: [
            { role: "user", content: [{ type: "image", url: "data:image/svg+xml;base64,PHN2Zz4=" }] },
          ],
        }),
        target,
      ),
    );
    expect(svg.code).toBe("unsupported_parameter");
  });

  it("response formats: json_schema → outputConfig (schema as a string); json_object → an instruction + warning", () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const structured = encodeBedrockConverseRequest(
      request({ responseFormat: { type: "json-schema", name: "reply", schema, description: "The reply" } }),
      target,
    );
    expect(structured.body["outputConfig"]).toEqual({
      textFormat: {
        type: "json_schema",
        structure: {
          jsonSchema: { schema: JSON.stringify(schema), name: "reply", description: "The reply" },
        },
      },
    });

    const json = encodeBedrockConverseRequest(request({ responseFormat: { type: "json" } }), target);
    expect(json.body["system"]).toEqual([{ text: JSON_MODE_INSTRUCTION }]);
    expect(json.warnings).toEqual([
      expect.objectContaining({ code: "parameter_changed", param: "response_format" }),
    ]);
  });

  it("what Converse cannot take is dropped with a warning, never silently", () => {
    const { body, warnings } = encodeBedrockConverseRequest(
      request({
        seed: 7,
        user: "u-1",
        parallelToolCalls: false,
        metadata: { team: "search" },
        passthrough: { dialect: "openai-chat", fields: { presence_penalty: 0.5 } },
      }),
      { ...target, unsupportedFields: new Set(["temperature"]) },
    );
    expect(body["requestMetadata"]).toEqual({ team: "search" });
    expect(warnings.map((warning) => warning.param).sort()).toEqual(
      ["parallel_tool_calls", "presence_penalty", "seed", "user"].sort(),
    );
    const dropped = encodeBedrockConverseRequest(request({ temperature: 0.5 }), {
      ...target,
      unsupportedFields: new Set(["temperature"]),
    });
    expect(dropped.body["inferenceConfig"]).toBeUndefined();
    expect(dropped.warnings).toEqual([
      expect.objectContaining({ code: "parameter_ignored", param: "temperature" }),
    ]);
  });

  it("Bedrock-dialect passthrough fields are forwarded (additionalModelRequestFields)", () => {
    const { body } = encodeBedrockConverseRequest(
      request({
        passthrough: {
          dialect: "bedrock-converse",
          fields: { additionalModelRequestFields: { top_k: 200 } },
        },
      }),
      target,
    );
    expect(body["additionalModelRequestFields"]).toEqual({ top_k: 200 });
  });
});
