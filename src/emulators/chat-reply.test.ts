import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { planReply } from "./chat-reply.js";
import { parseChatRequest } from "./chat-request.js";

function plan(body: Record<string, unknown>) {
  const parsed = parseChatRequest({ model: "m", ...body }, true);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return planReply(parsed.request);
}

const tools = [
  {
    type: "function",
    function: {
      name: "a",
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
    },
  },
  { type: "function", function: { name: "b" } },
];
const user = (content: string) => ({ role: "user", content });

describe("planReply", () => {
  it("depends only on the request", () => {
    const body = { messages: [user("same words")] };
    expect(plan(body)).toEqual(plan(body));
    expect(plan(body).content).not.toBe(plan({ messages: [user("other words")] }).content);
  });

  it("calls a forced function even after a tool result, and nothing when tool_choice is none", () => {
    const afterTool = [
      user("go"),
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "a", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "42" },
    ];
    expect(
      plan({ messages: afterTool, tools, tool_choice: { type: "function", function: { name: "b" } } })
        .toolCalls,
    ).toEqual([{ name: "b", arguments: "{}" }]);
    expect(plan({ messages: afterTool, tools }).content).toContain("The a tool returned: 42.");
    expect(plan({ messages: afterTool, tools, tool_choice: "required" }).toolCalls).toHaveLength(2);
    expect(plan({ messages: [user("go")], tools, tool_choice: "none" }).toolCalls).toEqual([]);
  });

  it("counts completion tokens of the tool calls", () => {
    const reply = plan({ messages: [user("find cats")], tools, parallel_tool_calls: false });
    expect(reply.finishReason).toBe("tool_calls");
    expect(reply.content).toBeNull();
    expect(reply.completionTokens).toBe(countTokens("a") + countTokens(reply.toolCalls[0]?.arguments ?? ""));
  });

  it("stops at the earliest stop string, before the token cap", () => {
    const full = plan({ messages: [user("stop test")] }).content ?? "";
    const reply = plan({ messages: [user("stop test")], stop: ["zzz", full.slice(3, 6)], max_tokens: 50 });
    expect(reply).toMatchObject({ content: full.slice(0, 3), finishReason: "stop" });
  });

  it("reports length when max_tokens cuts the answer", () => {
    const reply = plan({ messages: [user("cap me")], max_tokens: 2 });
    expect(reply.finishReason).toBe("length");
    expect(reply.completionTokens).toBe(countTokens(reply.content ?? ""));
  });

  it("includes tool definitions in the prompt count", () => {
    const without = plan({ messages: [user("hi")] }).promptTokens;
    expect(plan({ messages: [user("hi")], tools, tool_choice: "none" }).promptTokens).toBe(
      without + countTokens(JSON.stringify(tools)),
    );
  });
});

describe("parseChatRequest", () => {
  it("refuses what OpenAI refuses", () => {
    const error = (body: unknown) => {
      const parsed = parseChatRequest(body, true);
      return parsed.ok ? undefined : parsed.error;
    };
    expect(error({ model: "m", messages: [] })).toMatchObject({ param: "messages", code: "empty_array" });
    expect(error({ model: "m", messages: [{ content: "x" }] })).toMatchObject({ param: "messages[0].role" });
    expect(error({ model: "m", messages: [{ role: "robot", content: "x" }] })).toMatchObject({
      code: "invalid_value",
    });
    expect(error({ model: "m", messages: [user("x")], max_tokens: 0 })).toMatchObject({
      param: "max_tokens",
    });
    expect(
      error({ model: "m", messages: [user("x")], response_format: { type: "json_object" } }),
    ).toMatchObject({ param: "messages" });
    expect(error({ model: "m", messages: [user("x")], tool_choice: "auto" })).toMatchObject({
      param: "tool_choice",
    });
    expect(error({ model: "m", messages: [user("x")], n: 2 })).toMatchObject({ param: "n" });
    expect(error({ messages: [user("x")] })).toMatchObject({ param: "model" });
    expect(parseChatRequest({ messages: [user("x")] }, false).ok).toBe(true);
  });
});
