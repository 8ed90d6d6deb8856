import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { ServerResponse } from "node:http";
import { sleep } from "../http-io.js";
import { pacingDelays } from "../stream-writer.js";
import type { Pacing } from "../types.js";
import { padded, type ConverseStreamEvent } from "./converse-reply.js";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeaders(headers: Record<string, string>): MessageHeaders {
  const tagged: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: "string", value };
  return tagged;
}

/** One event-stream message with Bedrock's three string headers, CRCs by the official codec. */
export function eventFrame(eventType: string, payload: unknown): Buffer {
  return Buffer.from(
    codec.encode({
      headers: stringHeaders({
        ":event-type": eventType,
        ":content-type": "application/json",
        ":message-type": "event",
      }),
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );
}

/** A modeled error inside the stream: `:message-type: exception`, payload `{"message": …}`. */
export function exceptionFrame(exceptionType: string, payload: unknown): Buffer {
  return Buffer.from(
    codec.encode({
      headers: stringHeaders({
        ":exception-type": exceptionType,
        ":content-type": "application/json",
        ":message-type": "exception",
      }),
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );
}

export interface EventStreamWriteOptions {
  headers: Record<string, string>;
  pacing: Pacing | undefined;
  /** Seed for the per-event padding. */
  seed: string;
  /** Destroy the socket after this many messages (fault `cut_after_chunks`). */
  cutAfterChunks: number | undefined;
  /** Send a `modelStreamErrorException` after this many messages, then end (fault `stream_error`). */
  errorAfterChunks: number | undefined;
  signal: AbortSignal;
}

function writeBytes(response: ServerResponse, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve();
    response.write(bytes, () => resolve());
  });
}

/**
 * Writes a ConverseStream answer as `application/vnd.amazon.eventstream`, one message at a time as each
 * is due (pacing as the other emulators: the first generated token waits `timeToFirstTokenMs`).
 */
export async function writeEventStream(
  response: ServerResponse,
  events: readonly ConverseStreamEvent[],
  options: EventStreamWriteOptions,
): Promise<void> {
  const { signal } = options;
  if (signal.aborted) return;
  response.writeHead(200, { ...options.headers, "content-type": "application/vnd.amazon.eventstream" });
  response.flushHeaders();
  const { firstMs, perTokenMs } = pacingDelays(options.pacing);
  let generated = false;
  for (const [index, event] of events.entries()) {
    if (options.cutAfterChunks === index) return cut(response);
    if (options.errorAfterChunks === index) return endWithException(response, options.seed);
    if (event.tokens > 0) {
      const wait = generated ? event.tokens * perTokenMs : firstMs;
      generated = true;
      if (!(await sleep(wait, signal))) return;
    }
    if (signal.aborted) return;
    await writeBytes(
      response,
      eventFrame(event.eventType, padded(event.payload, `${options.seed}:${index}`)),
    );
  }
  if (signal.aborted) return;
  if (options.cutAfterChunks !== undefined) return cut(response);
  if (options.errorAfterChunks !== undefined) return endWithException(response, options.seed);
  response.end();
}

function cut(response: ServerResponse): void {
  response.socket?.destroy();
  response.destroy();
}

async function endWithException(response: ServerResponse, seed: string): Promise<void> {
  const payload = {
    message: `The model encountered an error while generating the response stream (${seed}).`,
    originalMessage: "Internal server error",
    originalStatusCode: 500,
  };
  await writeBytes(response, exceptionFrame("modelStreamErrorException", payload));
  response.end();
}
