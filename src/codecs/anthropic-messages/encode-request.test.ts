import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { DEFAULT_MAX_TOKENS, encodeAnthropicMessagesRequest } from "./encode-request.js";

const base: ChatRequest = {
  model: "catalog-model",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  stream: false,
  includeUsage: false,
  maxOutputTokens: 256,
};
const target = { nativeModel: "claude-sonnet-4-20250514" };

function encode(request: Partial<ChatRequest>, unsupported?: string[]) {
  return encodeAnthropicMessagesRequest(
    { ...base, ...request },
    unsupported === undefined ? target : { ...target, unsupportedFields: new Set(unsupported) },
  );
}

function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("anthropic-messages encodeChatRequest", () => {
  it("joins every system and developer message into the top-level system, in order", () => {
    const { body, warnings } = encode({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: [{ type: "text", text: "hi" }] },
        { role: "system", content: "Policy.", originalRole: "developer" },
        { role: "assistant", content: [{ type: "text", text: "hello" }] },
      ],
    });
    expect(body["system"]).toBe("Be terse.\n\nPolicy.");
    expect(body["messages"]).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
    ]);
    expect(body["model"]).toBe("claude-sonnet-4-20250514");
    expect(body["max_tokens"]).toBe(256);
    expect(warnings).toEqual([]);
  });

  it("tool round trip: tool_use with parsed input; consecutive tool results merged before user text", () => {
    const { body } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
        {
          role: "assistant",
          content: [{ type: "text", text: "Checking." }],
          toolCalls: [
            { id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "toolu_2", name: "get_weather", arguments: '{"city":"Rome"}' },
            { id: "toolu_3", name: "now", arguments: "" },
          ],
        },
        { role: "tool", toolCallId: "toolu_1", content: '{"temp_c":21}' },
        { role: "tool", toolCallId: "toolu_2", content: '{"temp_c":25}' },
        { role: "tool", toolCallId: "toolu_3", content: "" },
        { role: "user", content: [{ type: "text", text: "Thanks" }] },
      ],
    });
    expect(body["messages"]).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
          { type: "tool_use", id: "toolu_3", name: "now", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: '{"temp_c":21}' },
          { type: "tool_result", tool_use_id: "toolu_2", content: '{"temp_c":25}' },
          { type: "tool_result", tool_use_id: "toolu_3" },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  it("merges consecutive same-role turns (Anthropic needs alternation) and drops empty turns", () => {
    const { body } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "one" }] },
        { role: "user", content: [{ type: "text", text: "two" }] },
        { role: "assistant", content: [] },
        {
          role: "user",
          content: [
            { type: "text", text: "" },
            { type: "text", text: "three" },
          ],
        },
        { role: "assistant", content: [{ type: "text", text: "a" }] },
        { role: "assistant", content: [{ type: "text", text: "b" }] },
      ],
    });
    expect(body["messages"]).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
          { type: "text", text: "three" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
    ]);
  });

  it("a tool call whose arguments are not a JSON object is the client's error, naming the message", () => {
    for (const args of ["{not json", "[1,2]", '"text"']) {
      const error = thrown(() =>
        encode({
          messages: [
            { role: "user", content: [{ type: "text", text: "hi" }] },
            { role: "assistant", content: [], toolCalls: [{ id: "toolu_9", name: "f", arguments: args }] },
          ],
        }),
      );
      expect(error.code).toBe("invalid_request");
      expect(error.param).toBe("messages[1].tool_calls[0].function.arguments");
      expect(error.message).toContain("messages[1]");
      expect(error.message).toContain("toolu_9");
    }
  });

  it("images: data URL → base64 source, https → url source, detail dropped with a warning", () => {
    const { body, warnings } = encode({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", url: "data:image/png;base64,iVBORw0KGgo=" },
            { type: "image", url: "https://example.com/cat.jpg", detail: "high" },
          ],
        },
      ],
    });
    expect(body["messages"]).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "image_url.detail"],
    ]);
  });

  it("an image type Anthropic does not take is refused, naming the part", () => {
    const error = thrown(() =>
      encode({
        messages: [{ role: "user", content: [{ type: "image", url: "data:image/bmp;base64,Qk0=" }] }],
      }),
    );
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("messages[0].content[0].image_url");
  });

  it("max_tokens: the documented default with a parameter_changed warning when the client gave none", () => {
    const { body, warnings } = encodeAnthropicMessagesRequest(
      { model: base.model, messages: base.messages, stream: false, includeUsage: false },
      target,
    );
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
    expect(body["max_tokens"]).toBe(4096);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: "parameter_changed", param: "max_tokens" });
  });

  it("tools and tool_choice: input_schema (object by default), auto / any / tool / none, parallel off", () => {
    const tools = [
      {
        name: "get_weather",
        description: "Weather",
        parameters: { type: "object", properties: { city: {} } },
      },
      { name: "now" },
      { name: "loose", parameters: { properties: { q: { type: "string" } } } },
    ];
    const { body } = encode({ tools, toolChoice: { type: "auto" } });
    expect(body["tools"]).toEqual([
      {
        name: "get_weather",
        description: "Weather",
        input_schema: { type: "object", properties: { city: {} } },
      },
      { name: "now", input_schema: { type: "object" } },
      { name: "loose", input_schema: { type: "object", properties: { q: { type: "string" } } } },
    ]);
    expect(body["tool_choice"]).toEqual({ type: "auto" });
    expect(encode({ tools, toolChoice: { type: "required" } }).body["tool_choice"]).toEqual({ type: "any" });
    expect(encode({ tools, toolChoice: { type: "tool", name: "now" } }).body["tool_choice"]).toEqual({
      type: "tool",
      name: "now",
    });
    expect(
      encode({ tools, toolChoice: { type: "none" }, parallelToolCalls: false }).body["tool_choice"],
    ).toEqual({
      type: "none",
    });
    expect(encode({ tools, parallelToolCalls: false }).body["tool_choice"]).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    expect(
      encode({ tools, toolChoice: { type: "required" }, parallelToolCalls: false }).body["tool_choice"],
    ).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(encode({ tools }).body["tool_choice"]).toBeUndefined();
    expect(encode({ toolChoice: { type: "auto" } }).body).not.toHaveProperty("tool_choice");
    expect(thrown(() => encode({ toolChoice: { type: "required" } })).param).toBe("tool_choice");
  });

  it("sampling fields, stop_sequences, metadata.user_id and stream; what has no equivalent warns", () => {
    const { body, warnings } = encode({
      stream: true,
      temperature: 0.4,
      topP: 0.9,
      stop: ["END", "STOP"],
      user: "u-123",
      seed: 7,
      metadata: { team: "a" },
    });
    expect(body).toMatchObject({
      stream: true,
      temperature: 0.4,
      top_p: 0.9,
      stop_sequences: ["END", "STOP"],
      metadata: { user_id: "u-123" },
    });
    expect(body).not.toHaveProperty("seed");
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "seed"],
      ["parameter_ignored", "metadata"],
    ]);
  });

  it("temperature above Anthropic's 0..1 is sent as 1 with a warning, never silently", () => {
    const { body, warnings } = encode({ temperature: 1.6 });
    expect(body["temperature"]).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ code: "parameter_changed", param: "temperature" })]);
  });

  it("response_format json / json-schema: a system instruction and a parameter_changed warning", () => {
    const json = encode({
      messages: [{ role: "system", content: "Be terse." }, ...base.messages],
      responseFormat: { type: "json" },
    });
    expect(json.body["system"]).toMatch(/^Be terse\.\n\nRespond with a single valid JSON object/);
    expect(json.warnings).toEqual([
      expect.objectContaining({ code: "parameter_changed", param: "response_format" }),
    ]);
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const withSchema = encode({ responseFormat: { type: "json-schema", name: "reply", schema } });
    expect(withSchema.body["system"]).toContain('"reply"');
    expect(withSchema.body["system"]).toContain(JSON.stringify(schema));
    expect(encode({ responseFormat: { type: "text" } }).body).not.toHaveProperty("system");
  });

  it("passthrough: Anthropic's own fields forwarded as-is; another dialect's dropped with warnings", () => {
    const own = encode({
      temperature: 0.2,
      passthrough: {
        dialect: "anthropic-messages",
        fields: { top_k: 40, thinking: { type: "enabled", budget_tokens: 2048 }, temperature: 0.9 },
      },
    });
    expect(own.body).toMatchObject({
      top_k: 40,
      thinking: { type: "enabled", budget_tokens: 2048 },
      temperature: 0.2,
    });
    expect(own.warnings).toEqual([]);
    const foreign = encode({
      passthrough: { dialect: "openai-chat", fields: { presence_penalty: 0.5, logprobs: true } },
    });
    expect(foreign.body).not.toHaveProperty("presence_penalty");
    expect(foreign.body).not.toHaveProperty("logprobs");
    expect(foreign.warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "presence_penalty"],
      ["parameter_ignored", "logprobs"],
    ]);
  });

  it("unsupported_parameters: dropped with a warning, by Anthropic's name or the client's", () => {
    const { body, warnings } = encode({ topP: 0.5, stop: ["X"] }, ["top_p", "stop"]);
    expect(body).not.toHaveProperty("top_p");
    expect(body).not.toHaveProperty("stop_sequences");
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["parameter_ignored", "top_p"],
      ["parameter_ignored", "stop"],
    ]);
  });
});
