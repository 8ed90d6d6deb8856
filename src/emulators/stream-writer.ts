import type { ServerResponse } from "node:http";
import type { StreamEvent } from "./chat-stream-events.js";
import { sleep, write } from "./http-io.js";
import type { Pacing } from "./types.js";
import { streamErrorEvent } from "./wire-errors.js";

export interface StreamWriteOptions {
  headers: Record<string, string>;
  pacing: Pacing | undefined;
  /** Destroy the socket after this many events (fault `cut_after_chunks`). */
  cutAfterChunks: number | undefined;
  /** Send an in-stream error event after this many events, then end (fault `stream_error`). */
  errorAfterChunks: number | undefined;
  /** Aborts when the client goes away: stop writing, clear timers. */
  signal: AbortSignal;
  /**
   * The API's own ending and in-stream error, when it is not Chat Completions' (`data: [DONE]`, and a
   * `data: {"error":…}` chunk): the Responses API ends with its last event and has an `error` event.
   */
  ending?: { done: string; error: (sequenceNumber: number) => string };
}

/** Pause before the first generated token and between tokens; 0 / Infinity mean none. */
export function pacingDelays(pacing: Pacing | undefined): { firstMs: number; perTokenMs: number } {
  if (pacing === undefined) return { firstMs: 0, perTokenMs: 0 };
  const firstMs = Number.isFinite(pacing.timeToFirstTokenMs) ? Math.max(0, pacing.timeToFirstTokenMs) : 0;
  const rate = pacing.tokensPerSecond;
  const perTokenMs = rate > 0 && Number.isFinite(rate) ? 1000 / rate : 0;
  return { firstMs, perTokenMs };
}

/**
 * Writes SSE events one by one as they are due (never buffered), then `data: [DONE]` (or the API's own ending).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export async function writeStream(
  response: ServerResponse,
  events: readonly StreamEvent[],
  options: StreamWriteOptions,
): Promise<void> {
  const { signal } = options;
  if (signal.aborted) return;
  response.writeHead(200, {
    ...options.headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  response.flushHeaders();
  const { firstMs, perTokenMs } = pacingDelays(options.pacing);
  let generated = false;
  for (const [index, event] of events.entries()) {
    if (options.cutAfterChunks === index) return cut(response);
    if (options.errorAfterChunks === index) return endWithError(response, options, index);
    if (event.phase === "delta") {
      const wait = generated ? event.tokens * perTokenMs : firstMs;
      generated = true;
      if (!(await sleep(wait, signal))) return;
    }
    if (signal.aborted) return;
    const name = event.event === undefined ? "" : `event: ${event.event}\n`;
    await write(response, `${name}data: ${JSON.stringify(event.data)}\n\n`);
  }
  if (signal.aborted) return;
  if (options.cutAfterChunks !== undefined) return cut(response);
  if (options.errorAfterChunks !== undefined) return endWithError(response, options, events.length);
  const done = options.ending?.done ?? "data: [DONE]\n\n";
  if (done !== "") await write(response, done);
  response.end();
}

/** Abrupt end: no terminating chunk, no `[DONE]`; the client sees a truncated body. */
function cut(response: ServerResponse): void {
  response.socket?.destroy();
  response.destroy();
}

async function endWithError(
  response: ServerResponse,
  options: StreamWriteOptions,
  sequenceNumber: number,
): Promise<void> {
  await write(
    response,
    options.ending?.error(sequenceNumber) ?? `data: ${JSON.stringify(streamErrorEvent())}\n\n`,
  );
  response.end();
}
