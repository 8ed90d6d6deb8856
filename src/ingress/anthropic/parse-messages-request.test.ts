import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/gateway-error.js";
import { parseCountTokensRequest, parseMessagesRequest } from "./parse-messages-request.js";

const user = { role: "user", content: "hi" };
const valid = { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [user] };
const tool = { name: "get_weather", description: "Weather", input_schema: { type: "object" } };

function failure(
  body: unknown,
  parse: (body: unknown) => unknown = parseMessagesRequest,
): { code: string; param: string | undefined; message: string } {
  try {
    parse(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { code: error.code, param: error.param, message: error.message };
  }
  throw new Error("expected a GatewayError");
}

const withMessages = (...messages: unknown[]) => ({ ...valid, messages });
const withUserBlock = (block: unknown) => withMessages({ role: "user", content: [block] });
const withAssistantBlock = (block: unknown) =>
  withMessages(user, { role: "assistant", content: [block] }, user);

describe("parseMessagesRequest", () => {
  it("parses document blocks: a base64 PDF, a text document and a PDF link", () => {
    const request = parseMessagesRequest(
      withUserBlock({
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
        title: "Q3 report",
        context: "from finance",
        citations: { enabled: false },
        cache_control: { type: "ephemeral", ttl: "1h" },
      }),
    );
    expect(request.messages).toEqual([
      {
        role: "user",
        content: [
          {
            type: "document",
            url: "data:application/pdf;base64,JVBERi0xLjQK",
            title: "Q3 report",
            context: "from finance",
            cacheControl: { type: "ephemeral", ttl: "1h" },
          },
        ],
      },
    ]);
    const text = parseMessagesRequest(
      withUserBlock({ type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" } }),
    );
    expect(text.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "document", url: `data:text/plain;base64,${Buffer.from("héllo").toString("base64")}` },
      ],
    });
    const link = parseMessagesRequest(
      withUserBlock({ type: "document", source: { type: "url", url: "https://example.com/a.pdf" } }),
    );
    expect(link.messages[0]).toEqual({
      role: "user",
      content: [{ type: "document", url: "https://example.com/a.pdf" }],
    });
  });

  it("parses a minimal request, with usage always on for streams", () => {
    expect(parseMessagesRequest(valid)).toEqual({
      model: "claude-sonnet-4-6",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      stream: false,
      includeUsage: false,
      maxOutputTokens: 1024,
    });
    expect(parseMessagesRequest({ ...valid, stream: true })).toMatchObject({
      stream: true,
      includeUsage: true,
    });
  });

  const issuer = { vendor: "anthropic", dialect: "anthropic-messages" };

  it("maps a full conversation: system, images, thinking, tool uses, tool results before the user's text", () => {
    const request = parseMessagesRequest({
      model: "m",
      max_tokens: 10,
      system: [
        { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Use metric units." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather here?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "They want weather.", signature: "sig" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_weather", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Here:" },
            { type: "tool_result", tool_use_id: "toolu_1", content: '{"temp_c":21}' },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              is_error: true,
              content: [
                { type: "text", text: "no" },
                { type: "text", text: "city" },
              ],
            },
          ],
        },
        { role: "assistant", content: "" },
      ],
      stop_sequences: ["END"],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: "u-1" },
      stream: true,
      tools: [tool, { ...tool, name: "get_time", strict: true }],
      tool_choice: { type: "tool", name: "get_time", disable_parallel_tool_use: true },
      thinking: { type: "enabled", budget_tokens: 2048 },
      service_tier: "auto",
      output_config: { effort: "high", format: { type: "json_schema", schema: { type: "object" } } },
    });
    expect(request).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "You are terse.", cacheControl: { type: "ephemeral" } },
        { role: "system", content: "Use metric units." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather here?" },
            { type: "image", url: "data:image/png;base64,iVBORw0" },
            { type: "image", url: "https://example.com/a.jpg" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", thinking: "They want weather.", signature: "sig", issuer },
            { type: "reasoning", thinking: "", redactedData: "opaque", issuer },
            { type: "text", text: "Checking." },
          ],
          toolCalls: [
            { id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "toolu_2", name: "get_weather", arguments: "{}" },
          ],
        },
        { role: "tool", toolCallId: "toolu_1", content: '{"temp_c":21}' },
        { role: "tool", toolCallId: "toolu_2", content: "Error: no\ncity" },
        { role: "user", content: [{ type: "text", text: "Here:" }] },
      ],
      stream: true,
      includeUsage: true,
      maxOutputTokens: 10,
      temperature: 0.5,
      topP: 0.9,
      stop: ["END"],
      user: "u-1",
      tools: [
        { name: "get_weather", description: "Weather", parameters: { type: "object" } },
        { name: "get_time", description: "Weather", parameters: { type: "object" }, strict: true },
      ],
      toolChoice: { type: "tool", name: "get_time" },
      parallelToolCalls: false,
      responseFormat: { type: "json-schema", name: "output", schema: { type: "object" } },
      passthrough: {
        dialect: "anthropic-messages",
        fields: {
          output_config: { effort: "high" },
          top_k: 40,
          thinking: { type: "enabled", budget_tokens: 2048 },
          service_tier: "auto",
        },
      },
    });
  });

  it("maps tool choices, leaving out auto and none when there are no tools", () => {
    const choice = (tool_choice: unknown, tools: unknown = [tool]) =>
      parseMessagesRequest({ ...valid, tools, tool_choice });
    expect(choice({ type: "auto" }).toolChoice).toEqual({ type: "auto" });
    expect(choice({ type: "any" }).toolChoice).toEqual({ type: "required" });
    expect(choice({ type: "none" }).toolChoice).toEqual({ type: "none" });
    expect(choice({ type: "auto", disable_parallel_tool_use: false }).parallelToolCalls).toBeUndefined();
    expect(choice({ type: "any", disable_parallel_tool_use: true }).parallelToolCalls).toBe(false);
    expect(choice({ type: "auto" }, null).toolChoice).toBeUndefined();
    expect(choice({ type: "none" }, []).toolChoice).toBeUndefined();
  });

  it.each([
    ["a non-object body", [], "invalid_request", undefined, "The request body must be a JSON object"],
    [
      "an unknown field",
      { ...valid, foo: 1 },
      "invalid_request",
      "foo",
      "foo: Extra inputs are not permitted",
    ],
    [
      "OpenAI's field name",
      { ...valid, max_completion_tokens: 5 },
      "invalid_request",
      "max_completion_tokens",
      undefined,
    ],
    [
      "a missing model",
      { max_tokens: 5, messages: [user] },
      "missing_required_parameter",
      "model",
      "model: Field required",
    ],
    [
      "a number model",
      { ...valid, model: 5 },
      "invalid_request",
      "model",
      "model: Input should be a valid string",
    ],
    ["an empty model", { ...valid, model: "" }, "invalid_request", "model", undefined],
    [
      "a missing max_tokens",
      { model: "m", messages: [user] },
      "missing_required_parameter",
      "max_tokens",
      "max_tokens: Field required",
    ],
    [
      "a zero max_tokens",
      { ...valid, max_tokens: 0 },
      "invalid_request",
      "max_tokens",
      "max_tokens: Input should be greater than or equal to 1",
    ],
    [
      "a fractional max_tokens",
      { ...valid, max_tokens: 1.5 },
      "invalid_request",
      "max_tokens",
      "max_tokens: Input should be a valid integer",
    ],
    [
      "a missing messages",
      { model: "m", max_tokens: 5 },
      "missing_required_parameter",
      "messages",
      undefined,
    ],
    ["empty messages", { ...valid, messages: [] }, "invalid_request", "messages", undefined],
    [
      "string messages",
      { ...valid, messages: "hi" },
      "invalid_request",
      "messages",
      "messages: Input should be a valid list",
    ],
    ["a non-object message", withMessages("hi"), "invalid_request", "messages.0", undefined],
    [
      "a system role",
      withMessages({ role: "system", content: "x" }),
      "invalid_request",
      "messages.0.role",
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      "a missing role",
      withMessages({ content: "x" }),
      "missing_required_parameter",
      "messages.0.role",
      undefined,
    ],
    [
      "an extra message field",
      withMessages({ role: "user", content: "x", name: "bob" }),
      "invalid_request",
      "messages.0.name",
      undefined,
    ],
    [
      "a missing content",
      withMessages({ role: "user" }),
      "missing_required_parameter",
      "messages.0.content",
      undefined,
    ],
    [
      "a number content",
      withMessages({ role: "user", content: 3 }),
      "invalid_request",
      "messages.0.content",
      undefined,
    ],
    [
      "an empty user content",
      withMessages({ role: "user", content: [] }),
      "invalid_request",
      "messages.0.content",
      undefined,
    ],
    [
      "an empty assistant turn mid-conversation",
      withMessages(user, { role: "assistant", content: "" }, user),
      "invalid_request",
      "messages.1.content",
      undefined,
    ],
    [
      "an unknown block type",
      withUserBlock({ type: "video" }),
      "invalid_request",
      "messages.0.content.0.type",
      "messages.0.content.0.type: Input should be 'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking' or 'redacted_thinking'",
    ],
    [
      "a block without type",
      withUserBlock({ text: "x" }),
      "missing_required_parameter",
      "messages.0.content.0.type",
      undefined,
    ],
    [
      "a document without source type",
      withUserBlock({ type: "document", source: {} }),
      "missing_required_parameter",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "a document without source",
      withUserBlock({ type: "document" }),
      "missing_required_parameter",
      "messages.0.content.0.source",
      undefined,
    ],
    [
      "a document of another media type",
      withUserBlock({ type: "document", source: { type: "base64", media_type: "image/png", data: "AAAA" } }),
      "invalid_request",
      "messages.0.content.0.source.media_type",
      "messages.0.content.0.source.media_type: Input should be 'application/pdf'",
    ],
    [
      "a document of invalid base64",
      withUserBlock({
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "%PDF-1.4" },
      }),
      "invalid_request",
      "messages.0.content.0.source.data",
      undefined,
    ],
    [
      "a document without data",
      withUserBlock({ type: "document", source: { type: "base64", media_type: "application/pdf" } }),
      "missing_required_parameter",
      "messages.0.content.0.source.data",
      undefined,
    ],
    [
      "a text document of another media type",
      withUserBlock({ type: "document", source: { type: "text", media_type: "text/html", data: "x" } }),
      "invalid_request",
      "messages.0.content.0.source.media_type",
      undefined,
    ],
    [
      "a document link that is not http",
      withUserBlock({ type: "document", source: { type: "url", url: "ftp://x/a.pdf" } }),
      "invalid_request",
      "messages.0.content.0.source.url",
      undefined,
    ],
    [
      "a Files API document",
      withUserBlock({ type: "document", source: { type: "file", file_id: "file_1" } }),
      "unsupported_parameter",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "a custom-content document",
      withUserBlock({ type: "document", source: { type: "content", content: [] } }),
      "unsupported_parameter",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "a document asking for citations",
      withUserBlock({
        type: "document",
        source: { type: "text", media_type: "text/plain", data: "x" },
        citations: { enabled: true },
      }),
      "unsupported_parameter",
      "messages.0.content.0.citations.enabled",
      undefined,
    ],
    [
      "a document with an extra field",
      withUserBlock({
        type: "document",
        source: { type: "text", media_type: "text/plain", data: "x" },
        pages: 2,
      }),
      "invalid_request",
      "messages.0.content.0.pages",
      undefined,
    ],
    [
      "a document with a non-string title",
      withUserBlock({
        type: "document",
        source: { type: "text", media_type: "text/plain", data: "x" },
        title: 3,
      }),
      "invalid_request",
      "messages.0.content.0.title",
      undefined,
    ],
    [
      "a non-string text",
      withUserBlock({ type: "text", text: 5 }),
      "invalid_request",
      "messages.0.content.0.text",
      "messages.0.content.0.text: Input should be a valid string",
    ],
    [
      "an extra text field",
      withUserBlock({ type: "text", text: "x", bold: true }),
      "invalid_request",
      "messages.0.content.0.bold",
      undefined,
    ],
    [
      "bad citations",
      withUserBlock({ type: "text", text: "x", citations: "x" }),
      "invalid_request",
      "messages.0.content.0.citations",
      undefined,
    ],
    [
      "a bad cache_control",
      withUserBlock({ type: "text", text: "x", cache_control: "yes" }),
      "invalid_request",
      "messages.0.content.0.cache_control",
      undefined,
    ],
    [
      "an image without source",
      withUserBlock({ type: "image" }),
      "missing_required_parameter",
      "messages.0.content.0.source",
      undefined,
    ],
    [
      "a bad image media type",
      withUserBlock({ type: "image", source: { type: "base64", media_type: "image/bmp", data: "x" } }),
      "invalid_request",
      "messages.0.content.0.source.media_type",
      undefined,
    ],
    [
      "an image without data",
      withUserBlock({ type: "image", source: { type: "base64", media_type: "image/png" } }),
      "missing_required_parameter",
      "messages.0.content.0.source.data",
      undefined,
    ],
    [
      "an empty image url",
      withUserBlock({ type: "image", source: { type: "url", url: "" } }),
      "invalid_request",
      "messages.0.content.0.source.url",
      undefined,
    ],
    [
      "a file image",
      withUserBlock({ type: "image", source: { type: "file", file_id: "f" } }),
      "unsupported_parameter",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "an unknown image source",
      withUserBlock({ type: "image", source: { type: "ftp" } }),
      "invalid_request",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "a source without type",
      withUserBlock({ type: "image", source: {} }),
      "missing_required_parameter",
      "messages.0.content.0.source.type",
      undefined,
    ],
    [
      "a tool_use in a user turn",
      withUserBlock({ type: "tool_use", id: "t", name: "n", input: {} }),
      "invalid_request",
      "messages.0.content.0.type",
      undefined,
    ],
    [
      "thinking in a user turn",
      withUserBlock({ type: "thinking", thinking: "x", signature: "s" }),
      "invalid_request",
      "messages.0.content.0.type",
      undefined,
    ],
    [
      "a tool_result without id",
      withUserBlock({ type: "tool_result", content: "x" }),
      "missing_required_parameter",
      "messages.0.content.0.tool_use_id",
      undefined,
    ],
    [
      "a non-boolean is_error",
      withUserBlock({ type: "tool_result", tool_use_id: "t", is_error: "yes" }),
      "invalid_request",
      "messages.0.content.0.is_error",
      undefined,
    ],
    [
      "a number tool_result content",
      withUserBlock({ type: "tool_result", tool_use_id: "t", content: 4 }),
      "invalid_request",
      "messages.0.content.0.content",
      undefined,
    ],
    [
      "an image in a tool_result",
      withUserBlock({ type: "tool_result", tool_use_id: "t", content: [{ type: "image", source: {} }] }),
      "unsupported_parameter",
      "messages.0.content.0.content.0.type",
      undefined,
    ],
    [
      "an unknown tool_result block",
      withUserBlock({ type: "tool_result", tool_use_id: "t", content: [{ type: "x" }] }),
      "invalid_request",
      "messages.0.content.0.content.0.type",
      undefined,
    ],
    [
      "a tool_result in an assistant turn",
      withAssistantBlock({ type: "tool_result", tool_use_id: "t" }),
      "invalid_request",
      "messages.1.content.0.type",
      undefined,
    ],
    [
      "an image in an assistant turn",
      withAssistantBlock({ type: "image", source: {} }),
      "unsupported_parameter",
      "messages.1.content.0.type",
      undefined,
    ],
    [
      "a tool_use without input",
      withAssistantBlock({ type: "tool_use", id: "t", name: "n" }),
      "missing_required_parameter",
      "messages.1.content.0.input",
      undefined,
    ],
    [
      "a tool_use with array input",
      withAssistantBlock({ type: "tool_use", id: "t", name: "n", input: [] }),
      "invalid_request",
      "messages.1.content.0.input",
      "messages.1.content.0.input: Input should be a valid dictionary",
    ],
    [
      "a tool_use with an empty id",
      withAssistantBlock({ type: "tool_use", id: "", name: "n", input: {} }),
      "invalid_request",
      "messages.1.content.0.id",
      undefined,
    ],
    [
      "a tool_use without name",
      withAssistantBlock({ type: "tool_use", id: "t", input: {} }),
      "missing_required_parameter",
      "messages.1.content.0.name",
      undefined,
    ],
    [
      "thinking without signature",
      withAssistantBlock({ type: "thinking", thinking: "x" }),
      "missing_required_parameter",
      "messages.1.content.0.signature",
      undefined,
    ],
    [
      "redacted thinking without data",
      withAssistantBlock({ type: "redacted_thinking" }),
      "missing_required_parameter",
      "messages.1.content.0.data",
      undefined,
    ],
    ["a number system", { ...valid, system: 5 }, "invalid_request", "system", undefined],
    [
      "an image in system",
      { ...valid, system: [{ type: "image" }] },
      "invalid_request",
      "system.0.type",
      "system.0.type: Input should be 'text'",
    ],
    [
      "a system block without text",
      { ...valid, system: [{ type: "text" }] },
      "missing_required_parameter",
      "system.0.text",
      undefined,
    ],
    [
      "a high temperature",
      { ...valid, temperature: 1.5 },
      "invalid_request",
      "temperature",
      "temperature: Input should be less than or equal to 1",
    ],
    [
      "a string top_p",
      { ...valid, top_p: "0.5" },
      "invalid_request",
      "top_p",
      "top_p: Input should be a valid number",
    ],
    ["a negative top_k", { ...valid, top_k: -1 }, "invalid_request", "top_k", undefined],
    [
      "string stop_sequences",
      { ...valid, stop_sequences: "END" },
      "invalid_request",
      "stop_sequences",
      undefined,
    ],
    [
      "a number stop sequence",
      { ...valid, stop_sequences: ["a", 1] },
      "invalid_request",
      "stop_sequences.1",
      undefined,
    ],
    [
      "a string stream",
      { ...valid, stream: "yes" },
      "invalid_request",
      "stream",
      "stream: Input should be a valid boolean",
    ],
    [
      "unknown metadata",
      { ...valid, metadata: { tenant: "x" } },
      "invalid_request",
      "metadata.tenant",
      "metadata.tenant: Extra inputs are not permitted",
    ],
    [
      "a number user_id",
      { ...valid, metadata: { user_id: 5 } },
      "invalid_request",
      "metadata.user_id",
      undefined,
    ],
    ["non-list tools", { ...valid, tools: {} }, "invalid_request", "tools", undefined],
    [
      "a server tool",
      { ...valid, tools: [{ type: "web_search_20250305", name: "web_search" }] },
      "unsupported_parameter",
      "tools.0.type",
      undefined,
    ],
    [
      "a tool without name",
      { ...valid, tools: [{ input_schema: { type: "object" } }] },
      "missing_required_parameter",
      "tools.0.name",
      undefined,
    ],
    [
      "a bad tool name",
      { ...valid, tools: [{ ...tool, name: "get weather" }] },
      "invalid_request",
      "tools.0.name",
      undefined,
    ],
    ["duplicate tool names", { ...valid, tools: [tool, tool] }, "invalid_request", "tools", undefined],
    [
      "a tool without input_schema",
      { ...valid, tools: [{ name: "t" }] },
      "missing_required_parameter",
      "tools.0.input_schema",
      "tools.0.input_schema: Field required",
    ],
    [
      "a non-object schema type",
      { ...valid, tools: [{ name: "t", input_schema: { type: "array" } }] },
      "invalid_request",
      "tools.0.input_schema.type",
      "tools.0.input_schema.type: Input should be 'object'",
    ],
    [
      "an unknown tool field",
      { ...valid, tools: [{ ...tool, parameters: {} }] },
      "invalid_request",
      "tools.0.parameters",
      undefined,
    ],
    [
      "deferred tool loading",
      { ...valid, tools: [{ ...tool, defer_loading: true }] },
      "unsupported_parameter",
      "tools.0.defer_loading",
      undefined,
    ],
    [
      "a string tool_choice",
      { ...valid, tools: [tool], tool_choice: "auto" },
      "invalid_request",
      "tool_choice",
      undefined,
    ],
    [
      "an unknown tool_choice",
      { ...valid, tools: [tool], tool_choice: { type: "required" } },
      "invalid_request",
      "tool_choice.type",
      "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
    ],
    [
      "a tool_choice without type",
      { ...valid, tools: [tool], tool_choice: {} },
      "missing_required_parameter",
      "tool_choice.type",
      undefined,
    ],
    [
      "an unknown chosen tool",
      { ...valid, tools: [tool], tool_choice: { type: "tool", name: "nope" } },
      "invalid_request",
      "tool_choice.name",
      undefined,
    ],
    [
      "a tool choice without name",
      { ...valid, tools: [tool], tool_choice: { type: "tool" } },
      "missing_required_parameter",
      "tool_choice.name",
      undefined,
    ],
    [
      "any without tools",
      { ...valid, tool_choice: { type: "any" } },
      "invalid_request",
      "tool_choice",
      undefined,
    ],
    [
      "parallel control on none",
      { ...valid, tools: [tool], tool_choice: { type: "none", disable_parallel_tool_use: true } },
      "invalid_request",
      "tool_choice.disable_parallel_tool_use",
      undefined,
    ],
    [
      "a string disable_parallel_tool_use",
      { ...valid, tools: [tool], tool_choice: { type: "auto", disable_parallel_tool_use: "yes" } },
      "invalid_request",
      "tool_choice.disable_parallel_tool_use",
      undefined,
    ],
    [
      "thinking without type",
      { ...valid, thinking: {} },
      "missing_required_parameter",
      "thinking.type",
      undefined,
    ],
    [
      "a small thinking budget",
      { ...valid, thinking: { type: "enabled", budget_tokens: 100 } },
      "invalid_request",
      "thinking.budget_tokens",
      undefined,
    ],
    [
      "an unknown thinking type",
      { ...valid, thinking: { type: "deep" } },
      "invalid_request",
      "thinking.type",
      undefined,
    ],
    [
      "an unknown service tier",
      { ...valid, service_tier: "priority" },
      "invalid_request",
      "service_tier",
      undefined,
    ],
    ["a bad cache_control", { ...valid, cache_control: true }, "invalid_request", "cache_control", undefined],
    [
      "an unknown effort",
      { ...valid, output_config: { effort: "extreme" } },
      "invalid_request",
      "output_config.effort",
      undefined,
    ],
    [
      "a non-schema output format",
      { ...valid, output_config: { format: { type: "json_object" } } },
      "invalid_request",
      "output_config.format.type",
      undefined,
    ],
    [
      "an output format without schema",
      { ...valid, output_config: { format: { type: "json_schema" } } },
      "missing_required_parameter",
      "output_config.format.schema",
      undefined,
    ],
    [
      "an MCP server",
      { ...valid, mcp_servers: [{ type: "url", url: "https://x" }] },
      "unsupported_parameter",
      "mcp_servers",
      undefined,
    ],
    ["a container", { ...valid, container: "c" }, "unsupported_parameter", "container", undefined],
  ])("rejects %s, naming the field", (_name, body, code, param, message) => {
    const error = failure(body);
    expect({ code: error.code, param: error.param }).toEqual({ code, param });
    if (param !== undefined) expect(error.message.startsWith(`${param}: `)).toBe(true);
    if (message !== undefined) expect(error.message).toBe(message);
  });

  it("treats null as absent for optional fields", () => {
    const request = parseMessagesRequest({
      ...valid,
      system: null,
      temperature: null,
      tools: null,
      tool_choice: null,
      metadata: { user_id: null },
      stream: null,
      top_k: null,
    });
    expect(request).toEqual(parseMessagesRequest(valid));
  });

  it("never fails with anything but a 4xx GatewayError, whatever JSON it is given", () => {
    const block = fc.oneof(
      fc.record({
        type: fc.constantFrom("text", "image", "tool_use", "tool_result", "thinking"),
        text: fc.jsonValue(),
      }),
      fc.dictionary(
        fc.constantFrom("type", "text", "source", "id", "name", "input", "content"),
        fc.jsonValue(),
      ),
    );
    const message = fc.record(
      {
        role: fc.oneof(fc.constantFrom("user", "assistant"), fc.jsonValue()),
        content: fc.oneof(fc.string(), fc.array(block), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          model: fc.oneof(fc.constant("m"), fc.jsonValue()),
          max_tokens: fc.oneof(fc.integer(), fc.jsonValue()),
          messages: fc.oneof(fc.array(message), fc.jsonValue()),
          system: fc.jsonValue(),
          tools: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()),
          tool_choice: fc.jsonValue(),
          thinking: fc.jsonValue(),
          output_config: fc.jsonValue(),
          metadata: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(body, (value) => {
        for (const parse of [parseMessagesRequest, parseCountTokensRequest]) {
          try {
            parse(value);
          } catch (error) {
            expect(error).toBeInstanceOf(GatewayError);
            expect((error as GatewayError).status).toBe(400);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("parseCountTokensRequest", () => {
  it("needs no max_tokens and takes the prompt side only", () => {
    const { max_tokens: _, ...body } = valid;
    expect(parseCountTokensRequest({ ...body, tools: [tool], thinking: { type: "disabled" } })).toEqual({
      model: "claude-sonnet-4-6",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      stream: false,
      includeUsage: false,
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object" } }],
      passthrough: { dialect: "anthropic-messages", fields: { thinking: { type: "disabled" } } },
    });
    expect(failure(valid, parseCountTokensRequest)).toMatchObject({
      code: "invalid_request",
      param: "max_tokens",
    });
    expect(failure({ ...body, stream: true }, parseCountTokensRequest)).toMatchObject({ param: "stream" });
  });
});
