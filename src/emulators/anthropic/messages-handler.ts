import type { ServerResponse } from "node:http";
import { planReply } from "../chat-reply.js";
import { isRecord } from "../chat-request.js";
import { composeThinking, ThinkingSigner, wantsRedacted } from "../claude-thinking.js";
import { ONE_HOUR_MS, PromptCache } from "../prompt-cache.js";
import { countTextTokens } from "../tokens.js";
import { checkReplayedThinking, promptSegments, readThinking } from "./claude-features.js";
import type { Fault } from "../fault-controller.js";
import { base62 } from "../hashing.js";
import { sendJson, sleep, write } from "../http-io.js";
import { isMissingModel } from "../models.js";
import { pacingDelays } from "../stream-writer.js";
import type { Pacing } from "../types.js";
import type { WireError } from "../wire-errors.js";
import { parseMessagesRequest } from "./messages-request.js";
import {
  anthropicError,
  messageBody,
  messageEvents,
  overloadedEvent,
  toMessagesReply,
  type MessagesEvent,
  type MessagesReply,
} from "./messages-wire.js";

/**
 * What `handleAnthropicMessages` needs from the emulator that received the request. The caller has
 * already matched the route, checked the login (Anthropic `x-api-key`, or Google Bearer for Vertex),
 * read the body, recorded it, and applied the faults that come before an answer (`latency_ms`, `reset`,
 * `status` — each in its own cloud's envelope). This handler applies the stream faults.
 */
export interface MessagesContext {
  /** The emulator's name, e.g. `anthropic` or `gcp-us-east5`: seeds ids, so replies are reproducible. */
  readonly name: string;
  /** The emulator's per-request counter: with `name`, makes every id unique and deterministic. */
  readonly sequence: number;
  readonly pacing: Pacing | undefined;
  readonly response: ServerResponse;
  /** Aborts when the client goes away: waits stop, nothing more is written. */
  readonly signal: AbortSignal;
  /** Headers for every answer, errors included (e.g. the caller's request-id, Vertex's own headers). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface MessagesOptions {
  /** The model from the URL (Vertex); otherwise the body's `model` is used. */
  readonly model?: string;
  /** Vertex decides streaming by the verb (`:streamRawPredict`); otherwise the body's `stream`. */
  readonly stream?: boolean;
  /** The fault taken for this request: only `cut_after_chunks` and `stream_error` act here. */
  readonly fault?: Fault | undefined;
  /** Claude on Vertex: no `model` in the body, `anthropic_version: "vertex-2023-10-16"` required, `vrtx` ids. */
  readonly vertex?: boolean;
  /** The emulator's thinking signer and prompt cache (one each per emulator). */
  readonly claude: ClaudeEmulation;
}

/** What an emulated Claude keeps between requests: its signing secret and its prompt cache. */
export interface ClaudeEmulation {
  readonly signer: ThinkingSigner;
  readonly cache: PromptCache;
}

export function createClaudeEmulation(
  options: { thinkingSecret?: string; now?: () => number } = {},
): ClaudeEmulation {
  const cache = options.now === undefined ? new PromptCache() : new PromptCache({ now: options.now });
  return { signer: new ThinkingSigner(options.thinkingSecret), cache };
}

/**
 * Claude's answer to a parsed Messages request, as every cloud's emulator of Claude gives it (Anthropic,
 * Vertex rawPredict, Bedrock InvokeModel): replayed thinking checked against this emulator's signatures,
 * the shared deterministic reply, signed (or redacted) thinking when asked for, and the prompt cache's
 * reads and writes. A refusal is the message of Claude's 400 `invalid_request_error`.
 */
export function claudeReply(
  raw: Readonly<Record<string, unknown>>,
  request: Extract<ReturnType<typeof parseMessagesRequest>, { ok: true }>["request"],
  claude: ClaudeEmulation,
  shape: { readonly seed: string; readonly model: string; readonly vertex: boolean },
): { readonly ok: true; readonly reply: MessagesReply } | { readonly ok: false; readonly message: string } {
  const thinking = readThinking(raw, request.chat.maxTokens);
  if ("message" in thinking) return { ok: false, message: thinking.message };
  const replayError = checkReplayedThinking(raw, claude.signer, thinking.enabled);
  if (replayError !== undefined) return { ok: false, message: replayError };
  const planned = planReply(request.chat);
  const reply = toMessagesReply(planned, request.stopSequences, shape);
  if (thinking.enabled) {
    const text = composeThinking(request.chat.messages, planned);
    reply.thinking = wantsRedacted(request.chat.messages)
      ? { redacted: claude.signer.redact(text) }
      : { text, signature: claude.signer.sign(text) };
    // Thinking is billed as output, whether shown or redacted.
    reply.outputTokens += countTextTokens(text);
  }
  const segments = promptSegments(raw);
  const cached = claude.cache.use(shape.model, segments, reply.inputTokens);
  reply.inputTokens = cached.total;
  reply.cacheRead = cached.read;
  reply.cacheWrite = cached.write;
  reply.cacheWriteLong =
    segments.findLast((segment) => segment.breakpointTtlMs !== undefined)?.breakpointTtlMs === ONE_HOUR_MS;
  return { ok: true, reply };
}

/** A request id shaped like Anthropic's (`req_011C…`), derived from the emulator's name and counter. */
export function requestIdFor(name: string, sequence: number): string {
  return `req_011C${base62(`${name}:${sequence}:request`, 20)}`;
}

/**
 * Answers one Messages call — Anthropic's `POST /v1/messages`, or Vertex's `:rawPredict` /
 * `:streamRawPredict` for Claude — with a deterministic reply (the shared planner), as JSON or as
 * Anthropic's named SSE events. Validation errors are Anthropic's 400 `invalid_request_error`.
 *
 * ```ts
 * // In the Vertex emulator, after Google auth and reading the body:
 * await handleAnthropicMessages(
 *   { name, sequence, pacing, response, signal, headers: { "x-vertex-ai-llm-request-type": "…" } },
 *   body,
 *   { model: "claude-sonnet-4@20250514", stream: verb === "streamRawPredict", fault, vertex: true },
 * );
 * ```
 */
export async function handleAnthropicMessages(
  context: MessagesContext,
  body: unknown,
  options: MessagesOptions,
): Promise<void> {
  const vertex = options.vertex === true;
  const requestId = requestIdFor(context.name, context.sequence);
  const headers = { "request-id": requestId, ...context.headers };
  const sendError = (error: WireError) =>
    sendJson(context.response, error.status, { ...headers, ...error.headers }, error.body);
  const parsed = parseMessagesRequest(body, { vertex, countOnly: false });
  if (!parsed.ok) return sendError(anthropicError(400, "invalid_request_error", parsed.message, requestId));
  const request = parsed.request;
  const model = options.model ?? request.model ?? "";
  if (isMissingModel(model))
    return sendError(anthropicError(404, "not_found_error", `model: ${model}`, requestId));

  const answered = claudeReply(isRecord(body) ? body : {}, request, options.claude, {
    seed: `${context.name}:${context.sequence}`,
    model,
    vertex,
  });
  if (!answered.ok)
    return sendError(anthropicError(400, "invalid_request_error", answered.message, requestId));
  const reply = answered.reply;
  const stream = options.stream ?? request.stream;
  const { firstMs, perTokenMs } = pacingDelays(context.pacing);
  if (!stream) {
    if (!(await sleep(firstMs + reply.outputTokens * perTokenMs, context.signal))) return;
    return sendJson(context.response, 200, headers, messageBody(reply));
  }
  const fault = options.fault;
  await writeEvents(context, headers, messageEvents(reply), {
    cutAfter: fault?.cut_after_chunks,
    errorAfter: fault?.stream_error === true ? (fault.stream_error_after_chunks ?? 0) : undefined,
    firstMs,
    perTokenMs,
  });
}

interface WritePlan {
  cutAfter: number | undefined;
  errorAfter: number | undefined;
  firstMs: number;
  perTokenMs: number;
}

/**
 * Writes `event:` + `data:` frames one by one as they are due (never buffered). Faults count events from
 * `message_start` (event 1); past the last event, a cut or error replaces the normal end of the body.
 */
async function writeEvents(
  context: MessagesContext,
  headers: Record<string, string>,
  events: readonly MessagesEvent[],
  plan: WritePlan,
): Promise<void> {
  const { response, signal } = context;
  if (signal.aborted) return;
  response.writeHead(200, {
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  response.flushHeaders();
  let generated = false;
  for (const [index, event] of events.entries()) {
    if (plan.cutAfter === index) return cut(response);
    if (plan.errorAfter === index) return endWithError(response);
    if (event.tokens > 0) {
      if (!(await sleep(generated ? event.tokens * plan.perTokenMs : plan.firstMs, signal))) return;
      generated = true;
    }
    if (signal.aborted) return;
    await write(response, `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }
  if (signal.aborted) return;
  if (plan.cutAfter !== undefined) return cut(response);
  if (plan.errorAfter !== undefined) return endWithError(response);
  response.end();
}

function cut(response: ServerResponse): void {
  response.socket?.destroy();
  response.destroy();
}

/** Anthropic's in-stream failure: an `error` event inside the 200, then the body ends. */
async function endWithError(response: ServerResponse): Promise<void> {
  await write(response, `event: error\ndata: ${JSON.stringify(overloadedEvent)}\n\n`);
  response.end();
}
