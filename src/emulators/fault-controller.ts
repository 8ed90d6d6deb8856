import { z } from "zod";

/** Which requests a fault applies to. */
export type FaultMatch = "chat" | "embeddings" | "stream" | "all";

export const faultSchema = z.strictObject({
  status: z.number().int().min(400).max(599).optional(),
  retry_after_s: z.number().min(0).optional(),
  reset: z.boolean().optional(),
  latency_ms: z.number().int().min(0).max(600_000).optional(),
  cut_after_chunks: z.number().int().min(0).optional(),
  stream_error: z.boolean().optional(),
  stream_error_after_chunks: z.number().int().min(0).optional(),
  /**
   * Gemini / Vertex chat: a safety block. `true` or "prompt": the prompt is refused (`promptFeedback`, no
   * candidates); "answer": the candidate is withheld (`finishReason: "SAFETY"`, no content).
   */
  blocked: z.union([z.boolean(), z.enum(["prompt", "answer"])]).optional(),
  count: z.number().int().min(1).optional(),
  match: z.enum(["chat", "embeddings", "stream", "all"]).optional(),
});

/** A fault to inject; every field optional, fields combine (see docs/emulators.md). */
export type Fault = z.infer<typeof faultSchema>;

/** What the emulator knows about a request when it decides whether a fault applies. */
export interface RequestClass {
  operation: "chat" | "embeddings";
  stream: boolean;
}

export interface RequestLog {
  /** Chat and embedding requests received since start (or the last reset), faulted ones included. */
  count: number;
  /** Body of the last such request (parsed JSON, or the raw text when it was not JSON). */
  last: unknown;
  last_path: string | null;
  last_headers: Record<string, string> | null;
}

export interface RecordedRequest {
  body: unknown;
  path: string;
  headers: Record<string, string>;
}

/**
 * Holds the active fault and the request log of one emulator. The HTTP endpoint
 * `/__emulator/faults` and in-process tests share one instance.
 */
export class FaultController {
  #fault: Fault | undefined;
  #log: RequestLog = { count: 0, last: null, last_path: null, last_headers: null };

  /** Replaces the active fault. Throws a `ZodError` when the fault is malformed. */
  set(fault: Fault): void {
    this.#fault = faultSchema.parse(fault);
  }

  clear(): void {
    this.#fault = undefined;
  }

  /** The active fault; `count` shows how many matching requests it still applies to. */
  current(): Fault | undefined {
    return this.#fault === undefined ? undefined : { ...this.#fault };
  }

  requests(): RequestLog {
    return { ...this.#log };
  }

  resetRequests(): void {
    this.#log = { count: 0, last: null, last_path: null, last_headers: null };
  }

  /** @internal Called by the server for every chat/embedding request. */
  record(request: RecordedRequest): void {
    this.#log = {
      count: this.#log.count + 1,
      last: request.body,
      last_path: request.path,
      last_headers: request.headers,
    };
  }

  /**
   * @internal Returns the fault to apply to this request (consuming one use of `count`),
   * or `undefined`. A fault whose only effects are stream effects does not apply to (and
   * is not consumed by) non-streaming requests.
   */
  take(request: RequestClass): Fault | undefined {
    const fault = this.#fault;
    if (fault === undefined || !appliesTo(fault, request)) return undefined;
    if (fault.count !== undefined) {
      if (fault.count <= 1) this.#fault = undefined;
      else this.#fault = { ...fault, count: fault.count - 1 };
    }
    return fault;
  }
}

function appliesTo(fault: Fault, request: RequestClass): boolean {
  const match = fault.match ?? "all";
  if (match === "chat" && request.operation !== "chat") return false;
  if (match === "embeddings" && request.operation !== "embeddings") return false;
  if (match === "stream" && !request.stream) return false;
  if (request.stream) return true;
  return (
    fault.status !== undefined ||
    fault.reset === true ||
    fault.latency_ms !== undefined ||
    (fault.blocked !== undefined && fault.blocked !== false && request.operation === "chat")
  );
}
