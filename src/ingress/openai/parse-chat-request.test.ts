import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/gateway-error.js";
import { parseChatRequest } from "./parse-chat-request.js";

const user = { role: "user", content: "hi" };
const valid = { model: "gpt-4o-mini", messages: [user] };
const tool = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };

function failure(body: unknown): { code: string; param: string | undefined } {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { code: error.code, param: error.param };
  }
  throw new Error("expected a GatewayError");
}

describe("parseChatRequest", () => {
  it("parses a file part into a canonical document", () => {
    const file_data = "data:application/pdf;base64,JVBERi0xLjQK";
    const request = parseChatRequest({
      ...valid,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Summarise" },
            { type: "file", file: { file_data, filename: "report.pdf" } },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Summarise" },
        { type: "document", url: file_data, title: "report.pdf" },
      ],
    });
  });

  it("parses a minimal request", () => {
    expect(parseChatRequest(valid)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      stream: false,
      includeUsage: false,
    });
  });

  it("parses a rich request into canonical fields and passthrough", () => {
    const request = parseChatRequest({
      model: "m",
      messages: [
        {
          role: "developer",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
        { role: "system", content: "s", name: "narrator" },
        { role: "assistant", content: [{ type: "refusal", refusal: "no" }], name: "bot" },
        { role: "assistant", content: null, refusal: "I can't" },
      ],
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
      max_tokens: 10,
      stop: "END",
      tools: [tool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" } } },
      presence_penalty: 1,
      n: 1,
      temperature: null,
    });
    expect(request).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "a\nb", originalRole: "developer" },
        { role: "system", content: "s", name: "narrator" },
        { role: "assistant", content: [{ type: "text", text: "no" }], name: "bot" },
        { role: "assistant", content: [{ type: "text", text: "I can't" }] },
      ],
      stream: true,
      includeUsage: true,
      maxOutputTokens: 10,
      stop: ["END"],
      tools: [{ name: "get_weather", parameters: { type: "object" } }],
      toolChoice: { type: "tool", name: "get_weather" },
      responseFormat: { type: "json-schema", name: "out", schema: { type: "object" } },
      passthrough: {
        dialect: "openai-chat",
        fields: { stream_options: { include_obfuscation: false }, n: 1, presence_penalty: 1 },
      },
    });
  });

  it("accepts max_tokens and max_completion_tokens together only when they agree", () => {
    expect(parseChatRequest({ ...valid, max_tokens: 5, max_completion_tokens: 5 }).maxOutputTokens).toBe(5);
    expect(failure({ ...valid, max_tokens: 5, max_completion_tokens: 6 })).toEqual({
      code: "invalid_request",
      param: "max_tokens",
    });
  });

  const m = (message: unknown, ...rest: unknown[]) => ({ model: "m", messages: [user, message, ...rest] });
  it.each<[string, unknown, string, string | undefined]>([
    ["a string body", "hi", "invalid_request", undefined],
    ["an array body", [], "invalid_request", undefined],
    ["no model", { messages: [user] }, "missing_required_parameter", "model"],
    [
      "an unknown field in a message",
      { model: "m", messages: [{ role: "user", content: "hi", colour: "red" }] },
      "invalid_request",
      "messages[0].colour",
    ],
    ["a numeric model", { model: 4, messages: [user] }, "invalid_request", "model"],
    ["no messages", { model: "m" }, "missing_required_parameter", "messages"],
    ["messages not an array", { model: "m", messages: "hi" }, "invalid_request", "messages"],
    ["empty messages", { model: "m", messages: [] }, "invalid_request", "messages"],
    ["a message that is not an object", m(3), "invalid_request", "messages[1]"],
    [
      "an unknown role",
      { model: "m", messages: [{ role: "robot", content: "x" }] },
      "invalid_request",
      "messages[0].role",
    ],
    ["a missing role", m({ content: "x" }), "invalid_request", "messages[1].role"],
    [
      "the function role",
      m({ role: "function", name: "f", content: "x" }),
      "unsupported_parameter",
      "messages[1].role",
    ],
    [
      "user content of a wrong type",
      m({ role: "user", content: 5 }),
      "invalid_request",
      "messages[1].content",
    ],
    ["user content missing", m({ role: "user" }), "invalid_request", "messages[1].content"],
    ["empty user parts", m({ role: "user", content: [] }), "invalid_request", "messages[1].content"],
    [
      "an unknown part type",
      m({ role: "user", content: [{ type: "video" }] }),
      "invalid_request",
      "messages[1].content[0].type",
    ],
    [
      "an input_audio part",
      m({
        role: "user",
        content: [
          { type: "text", text: "x" },
          { type: "input_audio", input_audio: {} },
        ],
      }),
      "unsupported_parameter",
      "messages[1].content[1]",
    ],
    [
      "a file part without file_data",
      m({ role: "user", content: [{ type: "file", file: {} }] }),
      "invalid_request",
      "messages[1].content[0].file.file_data",
    ],
    [
      "a file part by file_id",
      m({ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }),
      "unsupported_parameter",
      "messages[1].content[0].file.file_id",
    ],
    [
      "a file part that is not a PDF",
      m({ role: "user", content: [{ type: "file", file: { file_data: "data:image/png;base64,AAAA" } }] }),
      "invalid_request",
      "messages[1].content[0].file.file_data",
    ],
    [
      "a file part of invalid base64",
      m({
        role: "user",
        content: [{ type: "file", file: { file_data: "data:application/pdf;base64,%PDF" } }],
      }),
      "invalid_request",
      "messages[1].content[0].file.file_data",
    ],
    [
      "a file part with an unknown field",
      m({
        role: "user",
        content: [{ type: "file", file: { file_data: "data:application/pdf;base64,AAAA", pages: 1 } }],
      }),
      "invalid_request",
      "messages[1].content[0].file.pages",
    ],
    [
      "a file part with a non-string filename",
      m({
        role: "user",
        content: [{ type: "file", file: { file_data: "data:application/pdf;base64,AAAA", filename: 1 } }],
      }),
      "invalid_request",
      "messages[1].content[0].file.filename",
    ],
    [
      "an image without url",
      m({ role: "user", content: [{ type: "image_url", image_url: {} }] }),
      "invalid_request",
      "messages[1].content[0].image_url.url",
    ],
    [
      "a bad image detail",
      m({ role: "user", content: [{ type: "image_url", image_url: { url: "https://x", detail: "max" } }] }),
      "invalid_request",
      "messages[1].content[0].image_url.detail",
    ],
    [
      "a text part without text",
      m({ role: "user", content: [{ type: "text" }] }),
      "invalid_request",
      "messages[1].content[0].text",
    ],
    [
      "an image in a system message",
      m({ role: "system", content: [{ type: "image_url" }] }),
      "invalid_request",
      "messages[1].content[0].type",
    ],
    [
      "an assistant with nothing",
      m({ role: "assistant", content: null }),
      "invalid_request",
      "messages[1].content",
    ],
    [
      "an assistant function_call",
      m({ role: "assistant", function_call: {} }),
      "unsupported_parameter",
      "messages[1].function_call",
    ],
    [
      "a tool call without id",
      m({ role: "assistant", tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }),
      "invalid_request",
      "messages[1].tool_calls[0].id",
    ],
    [
      "tool call arguments as an object",
      m({
        role: "assistant",
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: {} } }],
      }),
      "invalid_request",
      "messages[1].tool_calls[0].function.arguments",
    ],
    [
      "a tool message without tool_call_id",
      m({ role: "tool", content: "x" }),
      "invalid_request",
      "messages[1].tool_call_id",
    ],
    ["temperature above 2", { ...valid, temperature: 7 }, "invalid_request", "temperature"],
    ["temperature as a string", { ...valid, temperature: "1" }, "invalid_request", "temperature"],
    ["top_p above 1", { ...valid, top_p: 1.5 }, "invalid_request", "top_p"],
    ["max_tokens zero", { ...valid, max_tokens: 0 }, "invalid_request", "max_tokens"],
    [
      "max_completion_tokens fractional",
      { ...valid, max_completion_tokens: 1.5 },
      "invalid_request",
      "max_completion_tokens",
    ],
    ["five stop sequences", { ...valid, stop: ["a", "b", "c", "d", "e"] }, "invalid_request", "stop"],
    ["a numeric stop sequence", { ...valid, stop: ["a", 1] }, "invalid_request", "stop[1]"],
    ["n of 2", { ...valid, n: 2 }, "unsupported_parameter", "n"],
    ["stream as a string", { ...valid, stream: "yes" }, "invalid_request", "stream"],
    [
      "stream_options without stream",
      { ...valid, stream_options: { include_usage: true } },
      "invalid_request",
      "stream_options",
    ],
    [
      "an unknown stream option",
      { ...valid, stream: true, stream_options: { chunk_size: 1 } },
      "invalid_request",
      "stream_options.chunk_size",
    ],
    ["seed fractional", { ...valid, seed: 1.5 }, "invalid_request", "seed"],
    ["metadata with a number", { ...valid, metadata: { a: 1 } }, "invalid_request", "metadata.a"],
    ["tools not an array", { ...valid, tools: {} }, "invalid_request", "tools"],
    [
      "a custom tool",
      { ...valid, tools: [{ type: "custom", custom: { name: "x" } }] },
      "unsupported_parameter",
      "tools[0].type",
    ],
    [
      "a tool with a bad name",
      { ...valid, tools: [{ type: "function", function: { name: "get weather" } }] },
      "invalid_request",
      "tools[0].function.name",
    ],
    ["duplicate tool names", { ...valid, tools: [tool, tool] }, "invalid_request", "tools[1].function.name"],
    [
      "tool_choice naming an absent tool",
      { ...valid, tools: [tool], tool_choice: { type: "function", function: { name: "other" } } },
      "invalid_request",
      "tool_choice",
    ],
    [
      "tool_choice required without tools",
      { ...valid, tool_choice: "required" },
      "invalid_request",
      "tool_choice",
    ],
    [
      "tool_choice allowed_tools",
      { ...valid, tools: [tool], tool_choice: { type: "allowed_tools" } },
      "unsupported_parameter",
      "tool_choice",
    ],
    [
      "parallel_tool_calls as a string",
      { ...valid, parallel_tool_calls: "no" },
      "invalid_request",
      "parallel_tool_calls",
    ],
    [
      "an unknown response_format type",
      { ...valid, response_format: { type: "xml" } },
      "invalid_request",
      "response_format.type",
    ],
    [
      "json_schema without name",
      { ...valid, response_format: { type: "json_schema", json_schema: { schema: {} } } },
      "invalid_request",
      "response_format.json_schema.name",
    ],
    ["functions", { ...valid, functions: [{ name: "f" }] }, "unsupported_parameter", "functions"],
    ["function_call", { ...valid, function_call: "auto" }, "unsupported_parameter", "function_call"],
    ["an unknown field", { ...valid, foo: 1 }, "invalid_request", "foo"],
    [
      "a prototype key",
      JSON.parse('{"model":"m","messages":[],"__proto__":{}}'),
      "invalid_request",
      "__proto__",
    ],
    [
      "presence_penalty out of range",
      { ...valid, presence_penalty: 3 },
      "invalid_request",
      "presence_penalty",
    ],
    ["logit_bias out of range", { ...valid, logit_bias: { "5": 101 } }, "invalid_request", "logit_bias.5"],
    ["logprobs as a number", { ...valid, logprobs: 1 }, "invalid_request", "logprobs"],
    ["modalities with a number", { ...valid, modalities: ["text", 1] }, "invalid_request", "modalities"],
  ])("rejects %s", (_name, body, code, param) => {
    expect(failure(body)).toEqual({ code, param });
  });

  describe("property", () => {
    const richValid = {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: [{ type: "text", text: "t" }] },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c", content: "r" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
      tool_choice: "auto",
      max_tokens: 16,
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
    };
    const keys = [
      ...Object.keys(richValid),
      "stop",
      "n",
      "response_format",
      "metadata",
      "logit_bias",
      "top_p",
      "seed",
    ];

    function onlyGatewayErrors(body: unknown): void {
      try {
        parseChatRequest(body);
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        const status = (error as GatewayError).status;
        expect(status >= 400 && status < 500).toBe(true);
      }
    }

    it("random JSON values and mutated bodies throw nothing but 4xx GatewayErrors", () => {
      const mutated = fc.oneof(
        fc.jsonValue(),
        fc
          .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
          .map(({ key, value }) => ({ ...richValid, [key]: value })),
        fc
          .record({
            index: fc.nat(3),
            key: fc.constantFrom("role", "content", "tool_calls", "tool_call_id", "name"),
            value: fc.jsonValue(),
          })
          .map(({ index, key, value }) => ({
            ...richValid,
            messages: richValid.messages.map((message, at) =>
              at === index ? { ...message, [key]: value } : message,
            ),
          })),
      );
      fc.assert(fc.property(mutated, onlyGatewayErrors), { numRuns: 2000 });
    });

    it("valid bodies parse", () => {
      const message = fc.oneof(
        fc.record({ role: fc.constantFrom("system", "developer", "user"), content: fc.string() }),
        fc.record({ role: fc.constant("assistant"), content: fc.string() }),
        fc.record({
          role: fc.constant("tool"),
          tool_call_id: fc.string({ minLength: 1 }),
          content: fc.string(),
        }),
      );
      const body = fc.record(
        {
          model: fc.string({ minLength: 1 }),
          messages: fc.array(message, { minLength: 1, maxLength: 5 }),
          temperature: fc.double({ min: 0, max: 2, noNaN: true }),
          top_p: fc.double({ min: 0, max: 1, noNaN: true }),
          max_completion_tokens: fc.integer({ min: 1, max: 100_000 }),
          stop: fc.array(fc.string(), { maxLength: 4 }),
          seed: fc.integer(),
          stream: fc.boolean(),
          presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
        },
        { requiredKeys: ["model", "messages"] },
      );
      fc.assert(
        fc.property(body, (value) => {
          const request = parseChatRequest(value);
          expect(request.messages).toHaveLength(value.messages.length);
        }),
        { numRuns: 500 },
      );
    });
  });
});
