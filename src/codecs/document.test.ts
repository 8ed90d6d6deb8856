import { describe, expect, it } from "vitest";
import type { ChatRequest, Dialect, DocumentPart } from "../core/chat-request.js";
import { GatewayError } from "../errors/gateway-error.js";
import { documentName, documentTokens, isBase64, textDocumentUrl } from "./document.js";
import { chatCodecs } from "./registry.js";

const PDF = "data:application/pdf;base64,JVBERi0xLjQK";
const pdf: DocumentPart = {
  type: "document",
  url: PDF,
  title: "Q3 report: final!",
  cacheControl: { type: "ephemeral" },
};
const text: DocumentPart = { type: "document", url: textDocumentUrl("Hello, world") };
const link: DocumentPart = { type: "document", url: "https://example.com/a.pdf" };

function request(...documents: DocumentPart[]): ChatRequest {
  return {
    model: "m",
    messages: [{ role: "user", content: [{ type: "text", text: "Summarise" }, ...documents] }],
    stream: false,
    includeUsage: false,
    maxOutputTokens: 100,
  };
}

function encode(dialect: Dialect, chat: ChatRequest, nativeModel = "native-model") {
  const codec = chatCodecs.get(dialect);
  if (codec === undefined) throw new Error(dialect);
  return codec.encodeChatRequest(chat, { nativeModel });
}

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("document helpers", () => {
  it("derives a Converse-safe name from the title", () => {
    expect(documentName(pdf, 1)).toBe("Q3 report final");
    expect(documentName({ ...pdf, title: "../../etc/passwd  (copy) [v2]" }, 1)).toBe(
      "etc passwd (copy) [v2]",
    );
    expect(documentName({ ...pdf, title: "***" }, 3)).toBe("document-3");
    expect(documentName(link, 2)).toBe("document-2");
    expect(documentName({ ...pdf, title: "x".repeat(300) }, 1)).toHaveLength(200);
  });

  it("estimates a document's tokens: a PDF by its bytes, a text by its text, a link by its URL", () => {
    const words = (value: string) => value.split(" ").length;
    // "JVBERi0xLjQK" is 9 bytes: ceil(9 / 4).
    expect(documentTokens(pdf, words)).toBe(3);
    expect(documentTokens(text, words)).toBe(2);
    expect(documentTokens(link, words)).toBe(1);
  });

  it("checks base64 as the clouds do: the standard alphabet, padded", () => {
    expect(isBase64("JVBERi0xLjQK")).toBe(true);
    expect(isBase64("JVBERi0xLjQ=")).toBe(true);
    expect(isBase64("JVBERi0xLjQ")).toBe(false);
    expect(isBase64("%PDF-1.4")).toBe(false);
    expect(isBase64("JVBE_i0x")).toBe(false);
  });
});

describe("documents, encoded per dialect", () => {
  it("anthropic-messages: document blocks with base64, text and url sources", () => {
    const { body, warnings } = encode("anthropic-messages", request({ ...pdf, context: "c" }, text, link));
    expect((body["messages"] as unknown[])[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Summarise" },
        {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
          title: "Q3 report: final!",
          context: "c",
          cache_control: { type: "ephemeral" },
        },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "Hello, world" } },
        { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it("bedrock-anthropic: the Anthropic block inside InvokeModel's body", () => {
    const { body } = encode("bedrock-anthropic", request(pdf), "anthropic.claude-sonnet-4-5-20250929-v1:0");
    const content = ((body["messages"] as { content: unknown[] }[])[0]?.content ?? [])[1];
    expect(content).toEqual({
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
      title: "Q3 report: final!",
      cache_control: { type: "ephemeral" },
    });
  });

  it("bedrock-converse: document blocks with safe, unique names, a cache point after a breakpoint", () => {
    const { body, warnings } = encode(
      "bedrock-converse",
      request(pdf, { type: "document", url: PDF, title: "Q3 report: final!", context: "c" }, text),
    );
    expect((body["messages"] as unknown[])[0]).toEqual({
      role: "user",
      content: [
        { text: "Summarise" },
        { document: { format: "pdf", name: "Q3 report final", source: { bytes: "JVBERi0xLjQK" } } },
        { cachePoint: { type: "default" } },
        { document: { format: "pdf", name: "Q3 report final (2)", source: { bytes: "JVBERi0xLjQK" } } },
        {
          document: {
            format: "txt",
            name: "document-3",
            source: { bytes: Buffer.from("Hello, world").toString("base64") },
          },
        },
      ],
    });
    expect(warnings.map((warning) => warning.param)).toEqual(["messages[0].content[2].file.context"]);
  });

  it("openai-chat: a file part with file_data and filename", () => {
    const { body } = encode("openai-chat", request(pdf, { type: "document", url: PDF }));
    expect((body["messages"] as unknown[])[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Summarise" },
        { type: "file", file: { filename: "Q3 report: final!", file_data: PDF } },
        { type: "file", file: { filename: "document-2.pdf", file_data: PDF } },
      ],
    });
  });

  it("openai-responses: input_file items, inline or by link", () => {
    const { body } = encode("openai-responses", request(pdf, link));
    expect((body["input"] as unknown[])[0]).toEqual({
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "Summarise" },
        { type: "input_file", filename: "Q3 report: final!", file_data: PDF },
        { type: "input_file", file_url: "https://example.com/a.pdf", filename: "document-2.pdf" },
      ],
    });
  });

  it("gemini: inlineData with the document's media type; the title is dropped with a warning", () => {
    const { body, warnings } = encode("gemini", request(pdf, text));
    expect((body["contents"] as unknown[])[0]).toEqual({
      role: "user",
      parts: [
        { text: "Summarise" },
        { inlineData: { mimeType: "application/pdf", data: "JVBERi0xLjQK" } },
        { inlineData: { mimeType: "text/plain", data: Buffer.from("Hello, world").toString("base64") } },
      ],
    });
    expect(warnings.map((warning) => warning.param)).toContain("messages[0].content[1].file.filename");
  });

  it("a form the dialect cannot carry is a 400 naming the field, never a silent drop", () => {
    expect(rejection(() => encode("openai-chat", request(text))).param).toBe("messages[0].content[1].file");
    expect(rejection(() => encode("openai-chat", request(link))).param).toBe("messages[0].content[1].file");
    expect(rejection(() => encode("bedrock-converse", request(link))).param).toBe(
      "messages[0].content[1].file",
    );
    expect(rejection(() => encode("gemini", request(link))).param).toBe("messages[0].content[1].file");
  });

  it("each dialect declares what it cannot take, so the planner can leave it out first", () => {
    const rejected = (dialect: Dialect) =>
      Object.keys(chatCodecs.get(dialect)?.inputLimits.rejectedDocumentSources ?? {}).sort();
    expect(rejected("anthropic-messages")).toEqual([]);
    expect(rejected("bedrock-anthropic")).toEqual(["url"]);
    expect(rejected("bedrock-converse")).toEqual(["url"]);
    expect(rejected("gemini")).toEqual(["url"]);
    expect(rejected("openai-chat")).toEqual(["text", "url"]);
    expect(rejected("openai-responses")).toEqual(["text"]);
  });
});
