import Anthropic, { BadRequestError } from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulators/index.js";
import { expectServedBy, startHarness, testKey, upstreamLog, type Harness } from "../support/harness.js";

/**
 * Issue 14 (item 4): PDF documents end to end. The official SDKs send a small real PDF through the
 * gateway to each cloud that sells Claude (Anthropic, Vertex rawPredict, Bedrock Converse) and to
 * OpenAI; each emulator checks the document as its cloud does, notes it in the reply and counts it.
 */
let harness: Harness;
let anthropic: Anthropic;
let openai: OpenAI;
beforeAll(async () => {
  harness = await startHarness();
  anthropic = new Anthropic({ apiKey: testKey, baseURL: harness.gateway.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: testKey, baseURL: `${harness.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

/** A minimal valid one-page PDF (catalog, pages, page, content stream, xref with real offsets). */
function minimalPdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    "<< /Length 44 >>\nstream\nBT /F1 12 Tf 10 50 Td (Four tracks) Tj ET\nendstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
const pdf = minimalPdf();
const pdfBase64 = pdf.toString("base64");

async function lastUpstreamBody(emulator: RunningEmulator | undefined): Promise<Record<string, unknown>> {
  if (emulator === undefined) throw new Error("no such emulator");
  return (await upstreamLog(emulator)).last;
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

const documentMessage = (title: string): Anthropic.MessageParam => ({
  role: "user",
  content: [
    {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: pdfBase64 },
      title,
    },
    { type: "text", text: "How many tracks does the yard have?" },
  ],
});

describe("an Anthropic client sends a PDF to each cloud that sells Claude", () => {
  it.each([
    ["anthropic", "anthropic"],
    ["gcp-us-central1", "gcp-us-central1"],
    ["aws-us-east-1", "aws-us-east-1"],
  ])("%s receives the document in its own dialect and counts it", async (provider, emulatorName) => {
    const { data, response } = await anthropic.messages
      .create(
        { model: "claude-sonnet-4-6", max_tokens: 200, messages: [documentMessage("Yard plan: v2")] },
        { headers: { "x-switchyard-providers": provider } },
      )
      .withResponse();
    expectServedBy(response.headers, provider);
    expect(textOf(data)).toContain(`application/pdf, ${pdf.length} bytes`);
    // One token per 4 bytes of the PDF, on top of the text's tokens.
    expect(data.usage.input_tokens).toBeGreaterThan(Math.ceil(pdf.length / 4));
    const body = await lastUpstreamBody(harness.emulators.get(emulatorName));
    const content = (body["messages"] as { content: unknown[] }[])[0]?.content[0];
    if (provider === "aws-us-east-1") {
      expect(content).toEqual({
        document: { format: "pdf", name: "Yard plan v2", source: { bytes: pdfBase64 } },
      });
    } else {
      expect(content).toEqual({
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: pdfBase64 },
        title: "Yard plan: v2",
      });
    }
  });

  it("streams too", async () => {
    const stream = anthropic.messages.stream(
      { model: "claude-sonnet-4-6", max_tokens: 200, messages: [documentMessage("plan")] },
      { headers: { "x-switchyard-providers": "anthropic" } },
    );
    const message = await stream.finalMessage();
    expect(textOf(message)).toContain("application/pdf");
  });

  const withData = (data: string): Anthropic.MessageCreateParamsNonStreaming => ({
    model: "claude-sonnet-4-6",
    max_tokens: 100,
    messages: [
      {
        role: "user",
        content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data } }],
      },
    ],
  });

  it("invalid base64 is the gateway's 400 naming the field, before any cloud is asked", async () => {
    const error: unknown = await anthropic.messages
      .create(withData("%PDF-1.4"))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("messages.0.content.0.source.data");
  });

  it("base64 bytes that are not a PDF: the cloud's own 400, relayed to the client", async () => {
    const error: unknown = await anthropic.messages
      .create(withData(Buffer.from("not a pdf!!!").toString("base64")), {
        headers: { "x-switchyard-providers": "anthropic" },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain(
      "messages.0.content.0.source.base64.data: The PDF specified was not valid.",
    );
  });

  it("a text document to a model whose every offering reads only PDFs: a 400 naming the field", async () => {
    const error: unknown = await anthropic.messages
      .create({
        model: "gpt-4o-mini",
        max_tokens: 100,
        messages: [
          {
            role: "user",
            content: [
              { type: "document", source: { type: "text", media_type: "text/plain", data: "Four tracks." } },
              { type: "text", text: "Summarise." },
            ],
          },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    const message = (error as BadRequestError).message;
    expect(message).toContain("messages[0].content[0].file");
    expect(message).toContain("read documents only as PDFs");
  });
});

describe("an OpenAI client sends a file part", () => {
  it("reaches OpenAI as a file part with file_data, and the emulator counts it", async () => {
    const { data, response } = await openai.chat.completions
      .create(
        {
          model: "gpt-4o-mini",
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "Summarise" },
                {
                  type: "file",
                  file: { file_data: `data:application/pdf;base64,${pdfBase64}`, filename: "yard.pdf" },
                },
              ],
            },
          ],
        },
        { headers: { "x-switchyard-providers": "openai" } },
      )
      .withResponse();
    expectServedBy(response.headers, "openai");
    expect(data.choices[0]?.message.content).toContain(`"yard.pdf" application/pdf, ${pdf.length} bytes`);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(Math.ceil(pdf.length / 4));
    const body = await lastUpstreamBody(harness.emulators.get("openai"));
    expect((body["messages"] as { content: unknown[] }[])[0]?.content[1]).toEqual({
      type: "file",
      file: { filename: "yard.pdf", file_data: `data:application/pdf;base64,${pdfBase64}` },
    });
  });

  it("a file_id is a 400 naming it", async () => {
    const error: unknown = await openai.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(
      "messages[0].content[0].file.file_id",
    );
  });
});
