import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./chat-request.js";
import { instructedFormat } from "./instructed-format.js";

const message = (role: string, content: string): ChatMessage => ({
  role,
  text: content,
  content,
  toolCallId: undefined,
  toolCalls: [],
});
const text = { type: "text" } as const;

describe("issue 9: instructedFormat — a model asked for JSON in words answers JSON", () => {
  it("a system prompt asking for JSON is json_object; one with a JSON Schema is json_schema", () => {
    expect(instructedFormat([message("system", "Respond with a single valid JSON object.")], text)).toEqual({
      type: "json_object",
    });
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const withSchema = `Answer in JSON. It must conform to the JSON Schema named "x": ${JSON.stringify(schema)}`;
    expect(instructedFormat([message("developer", withSchema)], text)).toEqual({
      type: "json_schema",
      schema,
    });
  });

  it("a user mentioning JSON, a plain system prompt, or a declared format change nothing", () => {
    expect(instructedFormat([message("user", "Respond in JSON please")], text)).toEqual(text);
    expect(instructedFormat([message("system", "You are terse.")], text)).toEqual(text);
    const declared = { type: "json_schema", schema: { type: "string" } } as const;
    expect(instructedFormat([message("system", "Respond in JSON.")], declared)).toBe(declared);
  });
});
