/**
 * Documents (PDF and plain text) as the emulators read them. Nothing is extracted from a PDF: an
 * emulator checks what the cloud checks first (the media type, standard base64, the `%PDF-` header),
 * notes the document in the text its reply echoes, and counts it deterministically — one prompt token
 * per 4 bytes, rounded up (docs/emulators.md). Written apart from the codecs, as every emulator is.
 */

/** Why a PDF's base64 payload is refused, or undefined when it is a PDF. */
export type PdfProblem = "base64" | "pdf";

export function pdfProblem(data: string): PdfProblem | undefined {
  if (data.length === 0 || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return "base64";
  return Buffer.from(data.slice(0, 8), "base64").toString("latin1").startsWith("%PDF-") ? undefined : "pdf";
}

/** The bytes a base64 payload decodes to, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/** The prompt tokens a document of `bytes` bytes counts. */
export function documentTokens(bytes: number): number {
  return Math.ceil(bytes / 4);
}

/** What the reply echoes for a document: the emulator read no page of it. */
export function documentNote(mediaType: string, bytes: number, name?: string): string {
  return `[document ${name === undefined ? "" : `"${name}" `}${mediaType}, ${bytes} bytes]`;
}

/** A document as a message's share: the note it adds to the content and the tokens it counts. */
export interface ReadDocument {
  readonly note: string;
  readonly tokens: number;
}

export function readDocument(mediaType: string, bytes: number, name?: string): ReadDocument {
  return { note: documentNote(mediaType, bytes, name), tokens: documentTokens(bytes) };
}
