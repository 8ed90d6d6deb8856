import type { DocumentPart } from "../core/chat-request.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { DocumentSource, Warning } from "./codec.js";

/** The media types a canonical document may carry inline. */
export type DocumentMediaType = "application/pdf" | "text/plain";

/** A canonical document's content, read from its URL once so that every codec reads it alike. */
export type DocumentContent =
  /** `data` is base64: a PDF's bytes, or a plain-text document's UTF-8 text. */
  | { readonly kind: "inline"; readonly mediaType: DocumentMediaType; readonly data: string }
  | { readonly kind: "url"; readonly url: string };

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/**
 * A document's content; undefined for a URL that is neither a base64 PDF or text `data:` URL nor an
 * http(s) link (the ingresses build only those, so this is a programming error's guard).
 */
export function documentContent(part: DocumentPart): DocumentContent | undefined {
  const match = DATA_URL.exec(part.url);
  if (match === null) return /^https?:\/\//i.test(part.url) ? { kind: "url", url: part.url } : undefined;
  const mediaType = (match[1] ?? "").toLowerCase();
  if (mediaType !== "application/pdf" && mediaType !== "text/plain") return undefined;
  if (!(match[2] ?? "").split(";").includes("base64")) return undefined;
  return { kind: "inline", mediaType, data: match[3] ?? "" };
}

export function documentSource(part: DocumentPart): DocumentSource | undefined {
  const content = documentContent(part);
  if (content === undefined) return undefined;
  if (content.kind === "url") return "url";
  return content.mediaType === "application/pdf" ? "pdf" : "text";
}

/** A plain-text document's text (its `data` is the UTF-8 text in base64). */
export function documentText(content: DocumentContent & { kind: "inline" }): string {
  return Buffer.from(content.data, "base64").toString("utf8");
}

/**
 * A file name for dialects that need one (Bedrock Converse: letters, digits, single spaces, hyphens,
 * parentheses and square brackets; OpenAI's `filename`): the title with every other character
 * replaced by a space, spaces collapsed, at most 200 characters; `document-N` when nothing is left.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html
 */
export function documentName(part: DocumentPart, ordinal: number): string {
  const cleaned = (part.title ?? "")
    .replace(/[^A-Za-z0-9\-()[\] ]+/g, " ")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, 200)
    .trim();
  return cleaned === "" ? `document-${ordinal}` : cleaned;
}

/**
 * OpenAI's file fields for a document (chat `file: {...}`, Responses `input_file`): a PDF inline as
 * `file_data` (the canonical `data:` URL is already OpenAI's form) with a `filename`; a link as
 * `file_url` only where the dialect takes links (Responses). `context` has no OpenAI field: dropped
 * with a warning. Text documents and links elsewhere are left out by the input limits first.
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
export function openaiFileFields(
  part: DocumentPart,
  param: string,
  ordinal: number,
  warnings: Warning[],
  takesLinks = false,
): Record<string, string> {
  const content = documentContent(part);
  if (part.context !== undefined)
    warnings.push({
      code: "parameter_ignored",
      param: `${param}.context`,
      message: "OpenAI file inputs have no document context; context was ignored",
    });
  const filename = part.title ?? `document-${ordinal}.pdf`;
  if (content?.kind === "url" && takesLinks) return { file_url: content.url, filename };
  if (content?.kind !== "inline" || content.mediaType !== "application/pdf")
    throw new GatewayError(
      "unsupported_parameter",
      `${param}: OpenAI file inputs take PDFs${takesLinks ? " or links" : " as inline data"} only`,
      { param },
    );
  return { filename, file_data: part.url };
}

/** Standard base64 (RFC 4648 §4, padded), as the clouds require of inline bytes. */
export function isBase64(data: string): boolean {
  return data.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(data);
}

/** A plain-text document's text as the canonical `data:text/plain;base64,...` URL. */
export function textDocumentUrl(text: string): string {
  return `data:text/plain;base64,${Buffer.from(text, "utf8").toString("base64")}`;
}

/**
 * A document's tokens before a provider reports, for routing and `count_tokens`: a text document's
 * text; a PDF one token per 4 bytes (its tokens depend on the pages' text and images, which only the
 * provider extracts); a link its URL.
 */
export function documentTokens(part: DocumentPart, countText: (text: string) => number): number {
  const content = documentContent(part);
  if (content === undefined || content.kind === "url") return countText(part.url);
  if (content.mediaType === "text/plain") return countText(documentText(content));
  return Math.ceil((content.data.length * 3) / 4 / 4);
}
