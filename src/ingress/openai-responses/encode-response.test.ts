import { describe, expect, it } from "vitest";
import { encodeResponse, outputMessages, type OutputItem, type ResponseIdentity } from "./encode-response.js";
import { parseResponsesRequest } from "./parse-responses-request.js";

const identity: ResponseIdentity = {
  id: "resp_abc",
  model: "m",
  createdAt: 100,
  instructions: "Be brief.",
  previousResponseId: "resp_prev",
  store: true,
  echo: parseResponsesRequest({ model: "m", input: "hi", temperature: 0.3, metadata: { a: "b" } }).echo,
};

describe("encodeResponse", () => {
  it("gives reasoning, message and function call items, usage with details, and echoes the request", () => {
    const response = encodeResponse(
      {
        text: "Checking.",
        reasoning: "The user wants weather.",
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
        finishReason: "tool_calls",
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 4 },
      },
      identity,
      150,
    );
    expect(response).toMatchObject({
      id: "resp_abc",
      object: "response",
      created_at: 100,
      completed_at: 150,
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: "Be brief.",
      previous_response_id: "resp_prev",
      temperature: 0.3,
      metadata: { a: "b" },
      tool_choice: "auto",
      text: { format: { type: "text" } },
      output: [
        {
          type: "reasoning",
          id: "rs_abc",
          summary: [{ type: "summary_text", text: "The user wants weather." }],
        },
        {
          type: "message",
          id: "msg_abc",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Checking.", annotations: [] }],
        },
        {
          type: "function_call",
          id: "fc_abc_0",
          call_id: "call_1",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
          status: "completed",
        },
      ],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 15,
      },
    });
  });

  it.each([
    ["length", "max_output_tokens"],
    ["content_filter", "content_filter"],
  ] as const)("marks a finish of %s incomplete with reason %s", (finishReason, reason) => {
    const response = encodeResponse({ text: "Hal", toolCalls: [], finishReason }, identity, 150);
    expect(response).toMatchObject({
      status: "incomplete",
      completed_at: null,
      incomplete_details: { reason },
      output: [{ type: "message", status: "incomplete" }],
      usage: null,
    });
  });

  it("gives a refusal its own part", () => {
    const response = encodeResponse(
      { text: null, refusal: "I can't help with that.", toolCalls: [], finishReason: "stop" },
      identity,
      150,
    );
    expect(response["output"]).toEqual([
      expect.objectContaining({ content: [{ type: "refusal", refusal: "I can't help with that." }] }),
    ]);
  });
});

describe("outputMessages", () => {
  it("turns the output into the next turn's assistant message, without the reasoning", () => {
    const response = encodeResponse(
      {
        text: "Checking.",
        reasoning: "hidden",
        toolCalls: [{ id: "call_1", name: "f", arguments: "{}" }],
        finishReason: "tool_calls",
      },
      identity,
      150,
    );
    expect(outputMessages(response["output"] as OutputItem[])).toEqual([
      {
        role: "assistant",
        content: [{ type: "text", text: "Checking." }],
        toolCalls: [{ id: "call_1", name: "f", arguments: "{}" }],
      },
    ]);
  });
});
