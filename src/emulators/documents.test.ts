import { describe, expect, it } from "vitest";
import { parseMessagesRequest } from "./anthropic/messages-request.js";
import { parseConverseRequest } from "./bedrock/converse-request.js";
import { parseChatRequest } from "./chat-request.js";
import { base64Bytes, documentTokens, pdfProblem } from "./documents.js";
import { parseGenerateRequest } from "./gemini/generate-request.js";
import { countPromptTokens } from "./tokens.js";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "latin1").toString("base64");
const NOT_PDF = Buffer.from("hello world!", "latin1").toString("base64");

describe("emulated document checks", () => {
  it("pdfProblem: base64 first, then the %PDF- header", () => {
    expect(pdfProblem(PDF)).toBeUndefined();
    expect(pdfProblem(NOT_PDF)).toBe("pdf");
    expect(pdfProblem("%PDF")).toBe("base64");
    expect(pdfProblem("")).toBe("base64");
    expect(base64Bytes(PDF)).toBe(Buffer.from(PDF, "base64").length);
    expect(documentTokens(9)).toBe(3);
  });

  it("Anthropic: media type, base64 and PDF checked with the API's wording; the document counted", () => {
    const body = (source: unknown) => ({
      model: "claude",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source },
            { type: "text", text: "hi" },
          ],
        },
      ],
    });
    const options = { vertex: false, countOnly: false };
    const ok = parseMessagesRequest(
      body({ type: "base64", media_type: "application/pdf", data: PDF }),
      options,
    );
    if (!ok.ok) throw new Error(ok.message);
    const user = ok.request.chat.messages[0];
    expect(user?.content).toContain("application/pdf");
    expect(user?.documentTokens).toBe(documentTokens(base64Bytes(PDF)));
    expect(countPromptTokens(ok.request.chat.messages, undefined)).toBeGreaterThan(user?.documentTokens ?? 0);
    expect(
      parseMessagesRequest(body({ type: "base64", media_type: "image/png", data: PDF }), options),
    ).toEqual({
      ok: false,
      message: "messages.0.content.0.source.base64.media_type: Input should be 'application/pdf'",
    });
    expect(
      parseMessagesRequest(body({ type: "base64", media_type: "application/pdf", data: "!!" }), options),
    ).toEqual({
      ok: false,
      message: "messages.0.content.0.source.base64.data: invalid base64 data",
    });
    expect(
      parseMessagesRequest(body({ type: "base64", media_type: "application/pdf", data: NOT_PDF }), options),
    ).toEqual({
      ok: false,
      message: "messages.0.content.0.source.base64.data: The PDF specified was not valid.",
    });
    expect(
      parseMessagesRequest(body({ type: "text", media_type: "text/plain", data: "abc" }), options).ok,
    ).toBe(true);
  });

  it("Bedrock Converse: format enum, name characters, unique names, bytes", () => {
    const body = (...documents: unknown[]) => ({
      messages: [{ role: "user", content: [...documents.map((document) => ({ document })), { text: "hi" }] }],
    });
    const doc = (name: string, format = "pdf", bytes = PDF) => ({ format, name, source: { bytes } });
    const parse = (...documents: unknown[]) =>
      parseConverseRequest(body(...documents), "anthropic.claude", false);
    const ok = parse(doc("Yard plan (v2)"), doc("notes", "txt", Buffer.from("x").toString("base64")));
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.call.chat.messages[0]?.content).toContain('"Yard plan (v2)" application/pdf');
    const message = (...documents: unknown[]) => {
      const result = parse(...documents);
      return result.ok ? "" : result.error.message;
    };
    expect(message(doc("x", "rtf"))).toMatch(/document\.format' failed to satisfy constraint/);
    expect(message(doc("a/b"))).toMatch(/^The document file name can only contain/);
    expect(message(doc("a  b"))).toMatch(/^The document file name can only contain/);
    expect(message(doc("a"), doc("a"))).toMatch(/must be unique/);
    expect(message(doc("a", "pdf", "%%%"))).toMatch(/not valid base64/);
    expect(message(doc("a", "pdf", NOT_PDF))).toMatch(/not a valid PDF/);
  });

  it("OpenAI: file_data must be a base64 PDF data URL; file_id is unknown here", () => {
    const body = (file: unknown) => ({
      model: "gpt",
      messages: [{ role: "user", content: [{ type: "file", file }] }],
    });
    const ok = parseChatRequest(
      body({ file_data: `data:application/pdf;base64,${PDF}`, filename: "a.pdf" }),
      true,
    );
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.request.messages[0]?.content).toBe(
      `[document "a.pdf" application/pdf, ${base64Bytes(PDF)} bytes]`,
    );
    const param = (file: unknown) => {
      const result = parseChatRequest(body(file), true);
      return result.ok ? undefined : result.error.param;
    };
    expect(param({ file_data: `data:image/png;base64,${PDF}` })).toBe(
      "messages[0].content[0].file.file_data",
    );
    expect(param({ file_data: `data:application/pdf;base64,${NOT_PDF}` })).toBe(
      "messages[0].content[0].file.file_data",
    );
    expect(param({ file_id: "file-1" })).toBe("messages[0].content[0].file.file_id");
  });

  it("Gemini: inline PDF and text bytes must decode, a PDF must be one", () => {
    const body = (mimeType: string, data: string) => ({
      contents: [{ role: "user", parts: [{ text: "hi" }, { inlineData: { mimeType, data } }] }],
    });
    const ok = parseGenerateRequest(body("application/pdf", PDF), "gemini", false);
    if (!ok.ok) throw new Error(ok.message);
    expect(ok.request.chat.messages[0]?.documentTokens).toBe(documentTokens(base64Bytes(PDF)));
    expect(parseGenerateRequest(body("application/pdf", "%%%"), "gemini", false)).toMatchObject({
      ok: false,
      message: expect.stringContaining("Base64 decoding failed"),
    });
    expect(parseGenerateRequest(body("application/pdf", NOT_PDF), "gemini", false).ok).toBe(false);
    expect(parseGenerateRequest(body("text/plain", NOT_PDF), "gemini", false).ok).toBe(true);
  });
});
