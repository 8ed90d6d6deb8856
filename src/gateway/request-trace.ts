import type { KeyConfig } from "../config/types.js";
import type { AffinityKey } from "../routing/affinity.js";
import type { ChatRequest } from "../core/chat-request.js";
import type { Endpoint, IngressFormat } from "../core/request-report.js";
import type { StreamPart } from "../core/stream-part.js";
import type { Usage } from "../core/usage.js";
import type { ChatStreamSink, Route } from "../engine/executor.js";
import type { GatewayError } from "../errors/gateway-error.js";

/**
 * What the pipeline learns about one request while it runs, filled in step by step and read once
 * at the finish point to build the request report. Plain mutable fields: one object per request,
 * no allocation per step.
 */
export class RequestTrace {
  readonly requestId: string;
  /** Epoch milliseconds at arrival. */
  readonly startedAt: number;
  /** Monotonic milliseconds at arrival, for durations. */
  readonly startedMono: number;
  readonly ingress: IngressFormat;
  endpoint: Endpoint;
  key: KeyConfig | undefined;
  model: string | undefined;
  stream = false;
  /** The canonical request, kept only so usage can be estimated when the provider reports none. */
  chat: ChatRequest | undefined;
  /** What the request needs from an offering (`chat` and its features, or `embeddings`), once resolved. */
  capabilities: readonly string[] | undefined;
  /** The conversation this request belongs to, for cache-aware affinity (routing/affinity.ts). */
  affinity: AffinityKey | undefined;
  /** The offering that answered (a stream: once it opened). */
  route: Route | undefined;
  usage: Usage | undefined;
  /** Characters of streamed answer text, for an estimate when the stream ends without usage. */
  outputChars = 0;
  ttftMs: number | undefined;
  /** The error the client was told about: an error answer, or an in-stream error event. */
  error: GatewayError | undefined;
  /** A stream opened and then ended with an error event. */
  streamFailed = false;
  /** Set when the shutdown grace ran out while this request was running (cut, or its stream ended). */
  cutByShutdown = false;

  constructor(
    requestId: string,
    startedAt: number,
    startedMono: number,
    ingress: IngressFormat,
    endpoint: Endpoint,
  ) {
    this.requestId = requestId;
    this.startedAt = startedAt;
    this.startedMono = startedMono;
    this.ingress = ingress;
    this.endpoint = endpoint;
  }
}

/**
 * A stream sink that notes on the trace what the client was sent: the route and time to first
 * byte at `open`, usage and the size of the answer as parts pass, an error event at `end`.
 */
export function tracedSink(sink: ChatStreamSink, trace: RequestTrace, now: () => number): ChatStreamSink {
  return {
    open(route) {
      trace.route = route;
      trace.ttftMs = now() - trace.startedMono;
      sink.open(route);
    },
    write(part: StreamPart) {
      if (part.type === "text-delta") trace.outputChars += part.delta.length;
      else if (part.type === "usage") trace.usage = part.usage;
      sink.write(part);
    },
    flush: () => sink.flush(),
    drain: () => sink.drain(),
    end(error) {
      if (error !== undefined) {
        trace.error = error;
        trace.streamFailed = true;
      }
      sink.end(error);
    },
  };
}
