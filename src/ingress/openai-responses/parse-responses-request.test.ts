import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/gateway-error.js";
import { parseResponsesRequest, toChatRequest } from "./parse-responses-request.js";

function rejection(body: unknown, history = []): GatewayError {
  try {
    toChatRequest(parseResponsesRequest(body), history);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected the body to be rejected");
}

const weather = {
  type: "function",
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

describe("parseResponsesRequest", () => {
  it("maps input_file (inline or by link) to canonical documents", () => {
    const file_data = "data:application/pdf;base64,JVBERi0xLjQK";
    const chat = toChatRequest(
      parseResponsesRequest({
        model: "m",
        input: [
          {
            role: "user",
            content: [
              { type: "input_file", file_data, filename: "a.pdf" },
              { type: "input_file", file_url: "https://example.com/b.pdf" },
            ],
          },
        ],
      }),
      [],
    );
    expect(chat.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "document", url: file_data, title: "a.pdf" },
        { type: "document", url: "https://example.com/b.pdf" },
      ],
    });
  });

  it("maps input items, instructions and options to the canonical request", () => {
    const parsed = parseResponsesRequest({
      model: "m",
      instructions: "Be brief.",
      input: [
        { role: "developer", content: "Use metric units." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "Weather here?" },
            { type: "input_image", image_url: "https://example.com/a.png", detail: "low" },
          ],
        },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
        { type: "function_call", call_id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call", call_id: "c2", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "c1", output: "21" },
        { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "25" }] },
        { type: "reasoning", id: "rs_1", summary: [] },
      ],
      tools: [weather],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
      text: { format: { type: "json_schema", name: "w", schema: { type: "object" }, strict: true } },
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: "low" },
      metadata: { trace: "t1" },
      user: "u1",
      store: false,
      stream: true,
    });
    const chat = toChatRequest(parsed, []);
    expect(chat.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: "Use metric units.", originalRole: "developer" },
      {
        role: "user",
        content: [
          { type: "text", text: "Weather here?" },
          { type: "image", url: "https://example.com/a.png", detail: "low" },
        ],
      },
      {
        role: "assistant",
        content: [{ type: "text", text: "Checking." }],
        toolCalls: [
          { id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { id: "c2", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
      { role: "tool", toolCallId: "c1", content: "21" },
      { role: "tool", toolCallId: "c2", content: "25" },
    ]);
    expect(chat).toMatchObject({
      model: "m",
      stream: true,
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      user: "u1",
      metadata: { trace: "t1" },
      toolChoice: { type: "tool", name: "get_weather" },
      parallelToolCalls: false,
      responseFormat: { type: "json-schema", name: "w", schema: { type: "object" }, strict: true },
      passthrough: { dialect: "openai-chat", fields: { reasoning_effort: "low" } },
    });
    expect(parsed.store).toBe(false);
  });

  it("refuses a new turn while a stored function call waits for its output", () => {
    const parsed = parseResponsesRequest({ model: "m", previous_response_id: "resp_1", input: "hi" });
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "Weather?" }] },
      { role: "assistant" as const, content: [], toolCalls: [{ id: "c1", name: "w", arguments: "{}" }] },
    ];
    expect(() => toChatRequest(parsed, history)).toThrow(/No tool output found for function call c1/);
  });

  it("puts the stored history between the instructions and this turn's input", () => {
    const parsed = parseResponsesRequest({
      model: "m",
      instructions: "New instructions.",
      previous_response_id: "resp_1",
      input: [{ type: "function_call_output", call_id: "c1", output: "21" }],
    });
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "Weather?" }] },
      { role: "assistant" as const, content: [], toolCalls: [{ id: "c1", name: "w", arguments: "{}" }] },
    ];
    expect(toChatRequest(parsed, history).messages).toEqual([
      { role: "system", content: "New instructions." },
      ...history,
      { role: "tool", toolCallId: "c1", content: "21" },
    ]);
    expect(parsed.previousResponseId).toBe("resp_1");
  });

  it.each([
    ["a body that is not an object", [], "invalid_request", undefined],
    ["no model", { input: "hi" }, "missing_required_parameter", "model"],
    ["no input", { model: "m" }, "missing_required_parameter", "input"],
    ["input of a wrong type", { model: "m", input: 3 }, "invalid_request", "input"],
    ["an unknown field", { model: "m", input: "hi", foo: 1 }, "invalid_request", "foo"],
    ["background", { model: "m", input: "hi", background: true }, "unsupported_parameter", "background"],
    ["an unknown item type", { model: "m", input: [{ type: "nope" }] }, "invalid_request", "input[0].type"],
    [
      "a hosted item type",
      { model: "m", input: [{ type: "web_search_call", id: "x" }] },
      "unsupported_parameter",
      "input[0].type",
    ],
    [
      "a tool output without a matching call",
      { model: "m", input: [{ type: "function_call_output", call_id: "c9", output: "x" }] },
      "invalid_request",
      "input[0].call_id",
    ],
    [
      "a tool output before its call",
      {
        model: "m",
        input: [
          { type: "function_call_output", call_id: "c1", output: "x" },
          { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        ],
      },
      "invalid_request",
      "input[0].call_id",
    ],
    [
      "a function call without its output",
      {
        model: "m",
        input: [
          { role: "user", content: "hi" },
          { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        ],
      },
      "invalid_request",
      "input",
    ],
    [
      "a turn after a function call without its output",
      {
        model: "m",
        input: [
          { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
          { role: "user", content: "hi" },
        ],
      },
      "invalid_request",
      "input",
    ],
    [
      "a function call without arguments",
      { model: "m", input: [{ type: "function_call", call_id: "c1", name: "f" }] },
      "invalid_request",
      "input[0].arguments",
    ],
    [
      "a message without a role",
      { model: "m", input: [{ content: "hi" }] },
      "missing_required_parameter",
      "input[0].role",
    ],
    [
      "a bad role",
      { model: "m", input: [{ role: "tool", content: "hi" }] },
      "invalid_request",
      "input[0].role",
    ],
    [
      "a bad content part",
      { model: "m", input: [{ role: "user", content: [{ type: "image_url", url: "x" }] }] },
      "invalid_request",
      "input[0].content[0].type",
    ],
    [
      "a file part by file_id",
      { model: "m", input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      "unsupported_parameter",
      "input[0].content[0].file_id",
    ],
    [
      "a file part that is not a PDF",
      {
        model: "m",
        input: [
          { role: "user", content: [{ type: "input_file", file_data: "data:text/plain;base64,AAAA" }] },
        ],
      },
      "invalid_request",
      "input[0].content[0].file_data",
    ],
    [
      "a file link that is not http",
      {
        model: "m",
        input: [{ role: "user", content: [{ type: "input_file", file_url: "file:///etc/passwd" }] }],
      },
      "invalid_request",
      "input[0].content[0].file_url",
    ],
    [
      "an unknown field in an item",
      { model: "m", input: [{ role: "user", content: "hi", extra: 1 }] },
      "invalid_request",
      "input[0].extra",
    ],
    [
      "a hosted tool",
      { model: "m", input: "hi", tools: [{ type: "web_search" }] },
      "unsupported_parameter",
      "tools[0].type",
    ],
    [
      "a nested Chat Completions tool",
      { model: "m", input: "hi", tools: [{ type: "function", function: { name: "f" } }] },
      "invalid_request",
      "tools[0].function",
    ],
    [
      "tool_choice without tools",
      { model: "m", input: "hi", tool_choice: "required" },
      "invalid_request",
      "tool_choice",
    ],
    [
      "tool_choice naming an unknown tool",
      { model: "m", input: "hi", tools: [weather], tool_choice: { type: "function", name: "x" } },
      "invalid_request",
      "tool_choice.name",
    ],
    [
      "json_schema without a schema",
      { model: "m", input: "hi", text: { format: { type: "json_schema", name: "w" } } },
      "missing_required_parameter",
      "text.format.schema",
    ],
    [
      "a bad text format",
      { model: "m", input: "hi", text: { format: { type: "yaml" } } },
      "invalid_request",
      "text.format.type",
    ],
    [
      "a bad reasoning effort",
      { model: "m", input: "hi", reasoning: { effort: "max" } },
      "invalid_request",
      "reasoning.effort",
    ],
    [
      "max_output_tokens below 16",
      { model: "m", input: "hi", max_output_tokens: 1 },
      "invalid_request",
      "max_output_tokens",
    ],
    [
      "temperature out of range",
      { model: "m", input: "hi", temperature: 3 },
      "invalid_request",
      "temperature",
    ],
    [
      "truncation auto",
      { model: "m", input: "hi", truncation: "auto" },
      "unsupported_parameter",
      "truncation",
    ],
    [
      "an include value",
      { model: "m", input: "hi", include: ["reasoning.encrypted_content"] },
      "unsupported_parameter",
      "include[0]",
    ],
    [
      "an empty previous_response_id",
      { model: "m", input: "hi", previous_response_id: "" },
      "invalid_request",
      "previous_response_id",
    ],
    [
      "stream_options without stream",
      { model: "m", input: "hi", stream_options: {} },
      "invalid_request",
      "stream_options",
    ],
    [
      "metadata that is not strings",
      { model: "m", input: "hi", metadata: { a: 1 } },
      "invalid_request",
      "metadata.a",
    ],
  ])("rejects %s, naming the field", (_name, body, code, param) => {
    const error = rejection(body);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
    expect(error.status).toBeLessThan(500);
  });

  it("property: random JSON values and mutated bodies throw nothing but 4xx GatewayErrors", () => {
    const valid = {
      model: "m",
      input: [
        { role: "user", content: "hi" },
        { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "21" },
      ],
      tools: [weather],
      text: { format: { type: "text" } },
    };
    const keys = [
      ...Object.keys(valid),
      "instructions",
      "tool_choice",
      "reasoning",
      "store",
      "stream",
      "include",
    ];
    const item = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom("message", "function_call", "function_call_output", "reasoning"),
          fc.jsonValue(),
        ),
        role: fc.oneof(fc.constantFrom("user", "assistant", "system"), fc.jsonValue()),
        content: fc.jsonValue(),
        call_id: fc.oneof(fc.constant("c1"), fc.jsonValue()),
        output: fc.jsonValue(),
        arguments: fc.jsonValue(),
        name: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc
        .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
        .map(({ key, value }) => ({ ...valid, [key]: value })),
      fc.array(item, { maxLength: 4 }).map((input) => ({ ...valid, input })),
    );
    fc.assert(
      fc.property(body, (value) => {
        try {
          toChatRequest(parseResponsesRequest(value), []);
        } catch (error) {
          expect(error).toBeInstanceOf(GatewayError);
          const status = (error as GatewayError).status;
          expect(status >= 400 && status < 500).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
