import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/chat-request.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { geminiCodec, packToolCallId, unpackThoughtSignature } from "./index.js";

const target = { nativeModel: "gemini-2.5-flash" };

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return {
    model: "gemini-flash",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    stream: false,
    includeUsage: false,
    ...overrides,
  };
}

function encode(overrides: Partial<ChatRequest>, unsupported?: string[]) {
  return geminiCodec.encodeChatRequest(
    request(overrides),
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

describe("encodeGeminiChatRequest", () => {
  it("system messages become systemInstruction; user and assistant turns alternate as user / model", () => {
    const { body, warnings } = encode({
      messages: [
        { role: "system", content: "Be terse." },
        { role: "system", content: "Answer in French.", originalRole: "developer" },
        { role: "user", content: [{ type: "text", text: "Hello" }] },
        { role: "assistant", content: [{ type: "text", text: "Bonjour" }] },
        { role: "user", content: [{ type: "text", text: "Again" }] },
        { role: "user", content: [{ type: "text", text: "and again" }] },
      ],
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: "Be terse." }, { text: "Answer in French." }] },
      contents: [
        { role: "user", parts: [{ text: "Hello" }] },
        { role: "model", parts: [{ text: "Bonjour" }] },
        { role: "user", parts: [{ text: "Again" }, { text: "and again" }] },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it("a system message inside the conversation joins the instructions with a warning", () => {
    const { body, warnings } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "Hello" }] },
        { role: "system", content: "Late rule." },
      ],
    });
    expect(body["systemInstruction"]).toEqual({ parts: [{ text: "Late rule." }] });
    expect(warnings).toEqual([expect.objectContaining({ code: "parameter_changed", param: "messages[1]" })]);
  });

  it("generation settings go in generationConfig; candidateCount is never sent", () => {
    const { body } = encode({
      maxOutputTokens: 256,
      temperature: 0.4,
      topP: 0.9,
      stop: ["END", "STOP"],
      seed: 7,
    });
    expect(body["generationConfig"]).toEqual({
      maxOutputTokens: 256,
      temperature: 0.4,
      topP: 0.9,
      stopSequences: ["END", "STOP"],
      seed: 7,
    });
    expect(JSON.stringify(body)).not.toContain("candidateCount");
  });

  it("more than five stop sequences is a 400, unsupported fields are dropped with warnings", () => {
    const error = thrown(() => encode({ stop: ["a", "b", "c", "d", "e", "f"] }));
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("stop");
    const { body, warnings } = encode({ temperature: 1, seed: 3 }, ["seed"]);
    expect(body["generationConfig"]).toEqual({ temperature: 1 });
    expect(warnings).toEqual([expect.objectContaining({ code: "parameter_ignored", param: "seed" })]);
  });

  it("tools: declarations with cleaned parameters, tool choice modes", () => {
    const tools = [
      {
        name: "get_weather",
        description: "Weather for a city",
        strict: true,
        parameters: {
          $schema: "http://json-schema.org/draft-07/schema#",
          type: "object",
          additionalProperties: false,
          properties: {
            city: { type: "string", description: "City name" },
            unit: { type: ["string", "null"], enum: ["c", "f", null] },
            kind: { const: "current" },
            days: { type: "array", items: { type: "integer", minimum: 1, additionalProperties: false } },
          },
          required: ["city"],
        },
      },
      { name: "now", parameters: { type: "object", properties: {} } },
    ];
    const { body, warnings } = encode({ tools, toolChoice: { type: "tool", name: "get_weather" } });
    expect(body["tools"]).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Weather for a city",
            parameters: {
              type: "object",
              properties: {
                city: { type: "string", description: "City name" },
                unit: { type: "string", nullable: true, enum: ["c", "f"] },
                kind: { enum: ["current"] },
                days: { type: "array", items: { type: "integer", minimum: 1 } },
              },
              required: ["city"],
            },
          },
          { name: "now" },
        ],
      },
    ]);
    expect(body["toolConfig"]).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    });
    expect(warnings.map((warning) => warning.param)).toEqual(["tools[0].function.strict"]);
    const modes = (["auto", "none", "required"] as const).map(
      (type) => encode({ tools, toolChoice: { type } }).body["toolConfig"],
    );
    expect(modes).toEqual([
      { functionCallingConfig: { mode: "AUTO" } },
      { functionCallingConfig: { mode: "NONE" } },
      { functionCallingConfig: { mode: "ANY" } },
    ]);
  });

  it("a schema with $ref goes unchanged in parametersJsonSchema", () => {
    const parameters = {
      type: "object",
      $defs: { city: { type: "string" } },
      properties: { city: { $ref: "#/$defs/city" } },
    };
    const { body } = encode({ tools: [{ name: "f", parameters }] });
    expect(body["tools"]).toEqual([
      { functionDeclarations: [{ name: "f", parametersJsonSchema: parameters }] },
    ]);
  });

  it("tool results become functionResponse parts named after the earlier call with the same id", () => {
    const { body } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
        {
          role: "assistant",
          content: [{ type: "text", text: "Checking." }],
          toolCalls: [
            { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
            { id: "call_b", name: "get_time", arguments: "" },
          ],
        },
        { role: "tool", toolCallId: "call_a", content: '{"temp_c":21}' },
        { role: "tool", toolCallId: "call_b", content: "noon" },
        { role: "user", content: [{ type: "text", text: "Thanks" }] },
      ],
    });
    expect(body["contents"]).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { name: "get_weather", args: { city: "Paris" } } },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { output: { temp_c: 21 } } } },
          { functionResponse: { name: "get_time", response: { output: "noon" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  it("a tool result whose call is unknown is the client's error", () => {
    const error = thrown(() =>
      encode({
        messages: [
          { role: "user", content: [{ type: "text", text: "x" }] },
          { role: "tool", toolCallId: "call_missing", content: "1" },
        ],
      }),
    );
    expect(error.code).toBe("invalid_request");
    expect(error.param).toBe("messages[1].tool_call_id");
  });

  it("thought signatures: decode → tool-call id → encode puts the signature back on the functionCall", () => {
    const signature = "CiMBjz1rX25KieIB4d4AwFn8/WbsHTRNHBXso88PtemwfsSfRAp6AY89a1+e2Frm==";
    const decoded = geminiCodec.decodeChatResponse({
      candidates: [
        {
          content: {
            role: "model",
            parts: [{ functionCall: { name: "lookup", args: { q: "x" } }, thoughtSignature: signature }],
          },
          finishReason: "STOP",
        },
      ],
      responseId: "resp-1_x",
    });
    const call = decoded.toolCalls[0];
    if (call === undefined) throw new Error("no call decoded");
    expect(call.id).toMatch(/^[A-Za-z0-9_-]+$/);
    const { body } = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "look it up" }] },
        { role: "assistant", content: [], toolCalls: [call] },
        { role: "tool", toolCallId: call.id, content: "found" },
      ],
    });
    expect(body["contents"]).toEqual([
      { role: "user", parts: [{ text: "look it up" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "lookup", args: { q: "x" } }, thoughtSignature: signature }],
      },
      { role: "user", parts: [{ functionResponse: { name: "lookup", response: { output: "found" } } }] },
    ]);
  });

  it("tool-call ids: canonical base64 and arbitrary signature text both survive; foreign ids carry none", () => {
    for (const signature of ["EskgCsYgAb4+9vtF7/499YQS", "not base64 at all!", "abc="]) {
      const id = packToolCallId("r", 3, signature);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(unpackThoughtSignature(id)).toBe(signature);
    }
    expect(packToolCallId("a-b_c", 0)).toBe("call_abci0");
    expect(unpackThoughtSignature("call_Xy12ab")).toBeUndefined();
    expect(unpackThoughtSignature("toolu_01ABC")).toBeUndefined();
    expect(packToolCallId("r", 1)).not.toBe(packToolCallId("r", 11));
  });

  it("images: data URLs inline, https URLs as fileData with the type of their extension", () => {
    const { body, warnings } = encode({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image", url: "data:image/png;base64,iVBORw0KGgo=" },
            { type: "image", url: "https://example.com/cat.JPG?size=2", detail: "high" },
          ],
        },
      ],
    });
    expect(body["contents"]).toEqual([
      {
        role: "user",
        parts: [
          { text: "Compare" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=2" } },
        ],
      },
    ]);
    expect(warnings.map((warning) => warning.param)).toEqual(["messages[0].content[2].image_url.detail"]);
    const error = thrown(() =>
      encode({
        messages: [{ role: "user", content: [{ type: "image", url: "https://example.com/image" }] }],
      }),
    );
    expect(error.code).toBe("unsupported_parameter");
    expect(error.param).toBe("messages[0].content[0].image_url");
  });

  it("JSON mode and JSON schema output", () => {
    expect(encode({ responseFormat: { type: "json" } }).body["generationConfig"]).toEqual({
      responseMimeType: "application/json",
    });
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    expect(
      encode({ responseFormat: { type: "json-schema", name: "answer", schema } }).body["generationConfig"],
    ).toEqual({ responseMimeType: "application/json", responseJsonSchema: schema });
    expect(encode({ responseFormat: { type: "text" } }).body["generationConfig"]).toBeUndefined();
  });

  it("OpenAI penalties map to Gemini's; fields Gemini lacks are dropped with warnings", () => {
    const { body, warnings } = encode({
      user: "u-1",
      metadata: { team: "a" },
      parallelToolCalls: false,
      passthrough: { dialect: "openai-chat", fields: { presence_penalty: 0.5, logit_bias: { "1": 2 } } },
    });
    expect(body["generationConfig"]).toEqual({ presencePenalty: 0.5 });
    expect(warnings.map((warning) => warning.param).sort()).toEqual([
      "logit_bias",
      "metadata",
      "parallel_tool_calls",
      "user",
    ]);
  });

  it("an assistant call with arguments that are not a JSON object is the client's error", () => {
    const error = thrown(() =>
      encode({
        messages: [
          { role: "user", content: [{ type: "text", text: "x" }] },
          { role: "assistant", content: [], toolCalls: [{ id: "c", name: "f", arguments: "[1]" }] },
        ],
      }),
    );
    expect(error.code).toBe("invalid_request");
    expect(error.param).toBe("messages[1].tool_calls[0].function.arguments");
  });
});
