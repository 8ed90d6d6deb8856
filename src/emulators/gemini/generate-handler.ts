import { planReply } from "../chat-reply.js";
import type { Fault } from "../fault-controller.js";
import { base62 } from "../hashing.js";
import { sendJson, sleep, write } from "../http-io.js";
import { isMissingModel } from "../models.js";
import { pacingDelays } from "../stream-writer.js";
import { countPromptTokens } from "../tokens.js";
import { invalidArgument, modelNotFound, streamErrorBody } from "./google-errors.js";
import type { GoogleRouteContext } from "./google-server.js";
import { parseGenerateRequest } from "./generate-request.js";
import {
  blockedCandidateChunk,
  blockedPromptResponse,
  generateChunks,
  generateResponse,
  thoughtSignature,
  type GenerateChunk,
  type ResponseMeta,
} from "./generate-response.js";

export interface GenerateOptions {
  readonly flavour: "gemini" | "vertex";
  readonly model: string;
  /** The API version of the path, for Google's messages. */
  readonly version: string;
  /** `streamGenerateContent`; with `sse` false the stream is one JSON array (what Google sends without `alt=sse`). */
  readonly stream: boolean;
  readonly sse: boolean;
  /** Refuse function calls of the current turn whose `thoughtSignature` is missing or not one this emulator issued. */
  readonly requireThoughtSignatures: boolean;
  /** Seeds thought signatures (shared by every request of one emulator, so they verify across requests). */
  readonly signatureSeed: string;
}

/**
 * `:generateContent` and `:streamGenerateContent` for both Google emulators, once auth and the
 * pre-answer faults are done. Applies `blocked`, `cut_after_chunks` and `stream_error`.
 * @see https://ai.google.dev/api/generate-content
 */
export async function handleGenerate(
  context: GoogleRouteContext,
  body: unknown,
  fault: Fault | undefined,
  options: GenerateOptions,
): Promise<void> {
  const method = options.stream ? "streamGenerateContent" : "generateContent";
  if (isMissingModel(options.model))
    return context.sendError(modelNotFound(options.model, options.version, method));
  const parsed = parseGenerateRequest(body, options.model, options.stream);
  if (!parsed.ok) return context.sendError(invalidArgument(parsed.message));
  const { chat, currentTurnCalls } = parsed.request;
  if (options.requireThoughtSignatures) {
    const unsigned = currentTurnCalls.find(
      (call) =>
        // The first call of each model step carries one (parallel calls after it do not); any given must be genuine.
        (call.first || call.signature !== undefined) &&
        call.signature !== thoughtSignature(options.signatureSeed, call.name),
    );
    if (unsigned !== undefined) {
      return context.sendError(
        invalidArgument(
          `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${unsigned.name}\` , position ${unsigned.position + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
        ),
      );
    }
  }
  const meta: ResponseMeta = {
    flavour: options.flavour,
    model: options.model,
    responseId: base62(`${context.name}:${context.sequence}:response`, 23),
    createTime: new Date().toISOString(),
    signatureSeed: options.signatureSeed,
  };
  const headers: Record<string, string> = {
    vary: "Origin, X-Origin, Referer",
    "x-content-type-options": "nosniff",
  };
  const { firstMs, perTokenMs } = pacingDelays(context.pacing);

  if (fault?.blocked !== undefined && fault.blocked !== false) {
    // `true`/"prompt": the prompt is refused (promptFeedback, no candidates), streamed or not, as Gemini
    // does. "answer": generation started and the candidate was withheld (finishReason SAFETY, no content).
    const promptTokens = countPromptTokens(chat.messages, chat.rawTools);
    const body =
      fault.blocked === "answer"
        ? blockedCandidateChunk(meta, promptTokens)
        : blockedPromptResponse(meta, promptTokens);
    if (!options.stream) {
      if (!(await sleep(firstMs, context.signal))) return;
      return sendJson(context.response, 200, headers, body);
    }
    return writeChunks(context, headers, [{ body, tokens: 0 }], fault, {
      sse: options.sse,
      firstMs,
      perTokenMs,
    });
  }

  const reply = planReply(chat);
  if (!options.stream) {
    if (!(await sleep(firstMs + reply.completionTokens * perTokenMs, context.signal))) return;
    return sendJson(context.response, 200, headers, generateResponse(meta, reply));
  }
  return writeChunks(context, headers, generateChunks(meta, reply), fault, {
    sse: options.sse,
    firstMs,
    perTokenMs,
  });
}

/**
 * Writes stream chunks as they are due: SSE `data:` events with no terminator (the connection simply
 * ends), or one JSON array. Chunks are counted from 1 for `cut_after_chunks` / `stream_error_after_chunks`.
 */
async function writeChunks(
  context: GoogleRouteContext,
  headers: Record<string, string>,
  chunks: readonly GenerateChunk[],
  fault: Fault | undefined,
  plan: { sse: boolean; firstMs: number; perTokenMs: number },
): Promise<void> {
  const { response, signal } = context;
  if (signal.aborted) return;
  const cutAfter = fault?.cut_after_chunks;
  const errorAfter = fault?.stream_error === true ? (fault.stream_error_after_chunks ?? 0) : undefined;
  response.writeHead(200, {
    ...headers,
    "content-type": plan.sse ? "text/event-stream" : "application/json; charset=UTF-8",
    "cache-control": "no-cache",
  });
  response.flushHeaders();
  const frame = (payload: unknown, index: number): string =>
    plan.sse
      ? `data: ${JSON.stringify(payload)}\r\n\r\n`
      : `${index === 0 ? "[" : ",\r\n"}${JSON.stringify(payload)}`;
  for (const [index, chunk] of chunks.entries()) {
    if (cutAfter === index) return cut(context);
    if (errorAfter === index) return endWithError(context, plan.sse, index);
    const wait = index === 0 ? plan.firstMs : chunk.tokens * plan.perTokenMs;
    if (!(await sleep(wait, signal))) return;
    await write(response, frame(chunk.body, index));
  }
  if (signal.aborted) return;
  if (cutAfter !== undefined) return cut(context);
  if (errorAfter !== undefined) return endWithError(context, plan.sse, chunks.length);
  if (!plan.sse) await write(response, "]");
  response.end();
}

function cut(context: GoogleRouteContext): void {
  context.response.socket?.destroy();
  context.response.destroy();
}

async function endWithError(context: GoogleRouteContext, sse: boolean, written: number): Promise<void> {
  const body = JSON.stringify(streamErrorBody());
  await write(context.response, sse ? `data: ${body}\r\n\r\n` : `${written === 0 ? "[" : ",\r\n"}${body}]`);
  context.response.end();
}
