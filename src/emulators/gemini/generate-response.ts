import type { ChatReply } from "../chat-reply.js";
import { sha256 } from "../hashing.js";
import { splitIntoTokenPieces } from "../tokens.js";

/** What differs between the Gemini API's answers and Vertex's. */
export interface ResponseMeta {
  flavour: "gemini" | "vertex";
  model: string;
  responseId: string;
  /** Vertex's `createTime`. */
  createTime: string;
  /** Seeds the thought signatures this emulator hands out (and later checks). */
  signatureSeed: string;
}

/** One `GenerateContentResponse` of a stream, and how many generated tokens it carries (for pacing). */
export interface GenerateChunk {
  body: Record<string, unknown>;
  tokens: number;
}

/**
 * The opaque `thoughtSignature` put on a function call: derived from the emulator and the function name,
 * so the emulator can tell a signature it issued from a missing or altered one.
 */
export function thoughtSignature(seed: string, name: string): string {
  return Buffer.concat([
    sha256(`sig:${seed}:${name}`),
    sha256(`sig2:${seed}:${name}`).subarray(0, 16),
  ]).toString("base64");
}

function usageMetadata(meta: ResponseMeta, promptTokens: number, candidatesTokens: number | undefined) {
  const usage: Record<string, unknown> = { promptTokenCount: promptTokens };
  if (candidatesTokens !== undefined) usage["candidatesTokenCount"] = candidatesTokens;
  usage["totalTokenCount"] = promptTokens + (candidatesTokens ?? 0);
  if (meta.flavour === "vertex") usage["trafficType"] = "ON_DEMAND";
  usage["promptTokensDetails"] = [{ modality: "TEXT", tokenCount: promptTokens }];
  return usage;
}

function envelope(meta: ResponseMeta, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, modelVersion: meta.model };
  if (meta.flavour === "vertex") out["createTime"] = meta.createTime;
  out["responseId"] = meta.responseId;
  return out;
}

function finishReason(reply: ChatReply): string {
  return reply.finishReason === "length" ? "MAX_TOKENS" : "STOP";
}

/** Function calls as Gemini writes them; only the first call of a turn carries the signature (Gemini 3). */
function callParts(meta: ResponseMeta, reply: ChatReply): Record<string, unknown>[] {
  return reply.toolCalls.map((call, index) => {
    const part: Record<string, unknown> = {
      functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown },
    };
    if (index === 0) part["thoughtSignature"] = thoughtSignature(meta.signatureSeed, call.name);
    return part;
  });
}

/**
 * The whole answer of `generateContent`.
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */
export function generateResponse(meta: ResponseMeta, reply: ChatReply): Record<string, unknown> {
  const parts = reply.toolCalls.length > 0 ? callParts(meta, reply) : [{ text: reply.content ?? "" }];
  const candidate: Record<string, unknown> = {
    content: { parts, role: "model" },
    finishReason: finishReason(reply),
    index: 0,
  };
  if (reply.toolCalls.length > 0) candidate["finishMessage"] = "Model generated function call(s).";
  return envelope(meta, {
    candidates: [candidate],
    usageMetadata: usageMetadata(meta, reply.promptTokens, reply.completionTokens),
  });
}

/**
 * The chunks of `streamGenerateContent`: one per token of text (the last one with `finishReason`), or
 * one with all function calls and then an empty text part with `finishReason`, as recorded streams show.
 * `usageMetadata` on every chunk is a running total.
 */
export function generateChunks(meta: ResponseMeta, reply: ChatReply): GenerateChunk[] {
  const chunk = (parts: unknown[], tokensSoFar: number, finish: boolean): Record<string, unknown> => {
    const candidate: Record<string, unknown> = { content: { parts, role: "model" } };
    if (finish) candidate["finishReason"] = finishReason(reply);
    candidate["index"] = 0;
    return envelope(meta, {
      candidates: [candidate],
      usageMetadata: usageMetadata(meta, reply.promptTokens, tokensSoFar),
    });
  };
  if (reply.toolCalls.length > 0) {
    return [
      { body: chunk(callParts(meta, reply), reply.completionTokens, false), tokens: reply.completionTokens },
      { body: chunk([{ text: "" }], reply.completionTokens, true), tokens: 0 },
    ];
  }
  const pieces = splitIntoTokenPieces(reply.content ?? "");
  if (pieces.length === 0) return [{ body: chunk([{ text: "" }], 0, true), tokens: 0 }];
  let soFar = 0;
  return pieces.map((piece, index) => {
    soFar += piece.tokens;
    return { body: chunk([{ text: piece.text }], soFar, index === pieces.length - 1), tokens: piece.tokens };
  });
}

const SAFETY_RATINGS = [
  { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
  { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
];

/** A prompt the (emulated) safety filter blocked: no candidates, `promptFeedback.blockReason`. */
export function blockedPromptResponse(meta: ResponseMeta, promptTokens: number): Record<string, unknown> {
  return envelope(meta, {
    promptFeedback: { blockReason: "SAFETY", safetyRatings: SAFETY_RATINGS },
    usageMetadata: usageMetadata(meta, promptTokens, undefined),
  });
}

/** An answer whose only candidate was withheld after generation started: finishReason SAFETY, no content. */
export function blockedCandidateChunk(meta: ResponseMeta, promptTokens: number): Record<string, unknown> {
  return envelope(meta, {
    candidates: [{ finishReason: "SAFETY", index: 0, safetyRatings: SAFETY_RATINGS }],
    usageMetadata: usageMetadata(meta, promptTokens, 0),
  });
}
