import type { IncomingHttpHeaders } from "node:http";
import { util, type Dispatcher } from "undici";
import { GatewayError } from "../errors/gateway-error.js";
import type { Cancellation } from "./cancellation.js";

/**
 * Upstream HTTP on undici's dispatcher API: the body arrives as callbacks, with no Readable or async
 * iterator per response. Measured on the hot path, `pool.request()` + `body.text()` cost several
 * microseconds per request more than this (see bench/RESULTS.md).
 */
export interface ExchangeRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  /**
   * The most bytes buffered from one answer (`upstream.max_response_bytes`): a larger buffered answer fails
   * with `upstream_response_too_large`; an error answer's text is cut there (its status still classifies it).
   */
  readonly maxBodyBytes?: number;
  /** Named in the too-large error. */
  readonly provider?: string;
}

/** The default bound on a buffered upstream answer: 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface UpstreamHead {
  readonly statusCode: number;
  /** Parsed on demand: only error answers need them. */
  headers(): IncomingHttpHeaders;
}

export interface BufferedAnswer extends UpstreamHead {
  readonly body: Buffer;
}

/** Sends a request and buffers the whole answer. */
export function exchangeBuffered(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  cancellation: Cancellation,
): Promise<BufferedAnswer> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(
      dispatchOptions(request),
      new BufferedHandler(cancellation, resolve, reject, request),
    );
  });
}

/** The body side of a streamed answer: chunks in order, then `end` or `error`, exactly once. */
export interface BodyReceiver {
  /** Returns false to pause the upstream until `resume()` is called. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

export interface StreamingAnswer extends UpstreamHead {
  /** Starts delivering the body; chunks that arrived already are delivered first. */
  receive(receiver: BodyReceiver): void;
  /** Resumes a body paused by `data()` returning false. */
  resume(): void;
  /** Stops reading: the connection is dropped. */
  abort(): void;
  /** Buffers the rest of the body (for an error answer). */
  text(): Promise<string>;
}

/** Sends a request and resolves when the answer's headers arrive; the body follows by callbacks. */
export function exchangeStreaming(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  cancellation: Cancellation,
): Promise<StreamingAnswer> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(
      dispatchOptions(request),
      new StreamingHandler(cancellation, resolve, reject, request.maxBodyBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
    );
  });
}

function dispatchOptions(request: ExchangeRequest): Dispatcher.DispatchOptions {
  return {
    method: "POST",
    path: request.path,
    headers: request.headers,
    body: request.body,
    headersTimeout: request.headersTimeout,
    bodyTimeout: request.bodyTimeout,
  };
}

function lazyHeaders(raw: Buffer[]): () => IncomingHttpHeaders {
  let parsed: IncomingHttpHeaders | undefined;
  return () => (parsed ??= util.parseHeaders(raw) as IncomingHttpHeaders);
}

/** The legacy handler callbacks: undici's client calls these directly, with no adapter in between. */
abstract class Handler {
  protected abortUpstream: ((error?: Error) => void) | undefined;
  protected readonly cancellation: Cancellation;

  constructor(cancellation: Cancellation) {
    this.cancellation = cancellation;
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    this.cancellation.attachUpstream(abort);
  }

  protected release(): void {
    if (this.abortUpstream !== undefined) this.cancellation.detachUpstream(this.abortUpstream);
  }
}

class BufferedHandler extends Handler {
  readonly #resolve: (answer: BufferedAnswer) => void;
  readonly #reject: (error: Error) => void;
  #statusCode = 0;
  #rawHeaders: Buffer[] = [];
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  readonly #limit: number;
  readonly #provider: string | undefined;

  constructor(
    cancellation: Cancellation,
    resolve: (answer: BufferedAnswer) => void,
    reject: (error: Error) => void,
    request: ExchangeRequest,
  ) {
    super(cancellation);
    this.#resolve = resolve;
    this.#reject = reject;
    this.#limit = request.maxBodyBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#provider = request.provider;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.#statusCode = statusCode;
    this.#rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return false;
    this.#size += chunk.length;
    if (this.#size <= this.#limit) {
      this.#chunks.push(chunk);
      return true;
    }
    if (this.#statusCode >= 300) {
      // An error answer is cut at the bound: what came so far (and the status) tells the failure.
      this.#chunks.push(chunk.subarray(0, chunk.length - (this.#size - this.#limit)));
      this.onComplete();
    } else {
      this.#chunks.length = 0;
      this.#settled = true;
      this.release();
      this.#reject(answerTooLarge(this.#provider, this.#statusCode, this.#limit));
    }
    this.abortUpstream?.(new Error("the gateway stopped reading an answer over upstream.max_response_bytes"));
    return false;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.release();
    const chunks = this.#chunks;
    this.#resolve({
      statusCode: this.#statusCode,
      headers: lazyHeaders(this.#rawHeaders),
      body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
    });
  }

  onError(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.release();
    this.#reject(error);
  }
}

class StreamingHandler extends Handler implements StreamingAnswer {
  readonly #resolve: (answer: StreamingAnswer) => void;
  readonly #reject: (error: Error) => void;
  statusCode = 0;
  headers: () => IncomingHttpHeaders = () => ({});
  #resumeUpstream: (() => void) | undefined;
  #receiver: BodyReceiver | undefined;
  #queued: Buffer[] | undefined;
  #settled: { error: Error | undefined } | undefined;
  #headersSeen = false;
  readonly #limit: number;

  constructor(
    cancellation: Cancellation,
    resolve: (answer: StreamingAnswer) => void,
    reject: (error: Error) => void,
    limit: number,
  ) {
    super(cancellation);
    this.#resolve = resolve;
    this.#reject = reject;
    this.#limit = limit;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.statusCode = statusCode;
    this.headers = lazyHeaders(rawHeaders);
    this.#resumeUpstream = resume;
    this.#headersSeen = true;
    this.#resolve(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#receiver !== undefined) return this.#receiver.data(chunk);
    (this.#queued ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    this.release();
    if (this.#receiver !== undefined) this.#receiver.end();
    else this.#settled = { error: undefined };
  }

  onError(error: Error): void {
    this.release();
    if (!this.#headersSeen) this.#reject(error);
    else if (this.#receiver !== undefined) this.#receiver.error(error);
    else this.#settled = { error };
  }

  receive(receiver: BodyReceiver): void {
    this.#receiver = receiver;
    const queued = this.#queued;
    this.#queued = undefined;
    // A receiver that pauses on a queued chunk resumes later; resuming an unpaused body is harmless.
    if (queued !== undefined) for (const chunk of queued) receiver.data(chunk);
    const settled = this.#settled;
    if (settled !== undefined) {
      if (settled.error === undefined) receiver.end();
      else receiver.error(settled.error);
    }
  }

  resume(): void {
    this.#resumeUpstream?.();
  }

  abort(): void {
    this.release();
    this.abortUpstream?.(new Error("the gateway stopped reading this answer"));
  }

  text(): Promise<string> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.receive({
        data: (chunk) => {
          // An error answer past the bound is cut: what came so far (and the status) tells the failure.
          if (size + chunk.length > this.#limit) {
            chunks.push(chunk.subarray(0, this.#limit - size));
            size = this.#limit;
            this.abort();
            resolve(Buffer.concat(chunks).toString("utf8"));
            return false;
          }
          size += chunk.length;
          chunks.push(chunk);
          return true;
        },
        end: () => resolve(Buffer.concat(chunks).toString("utf8")),
        // The status alone still classifies the failure.
        error: () => resolve(Buffer.concat(chunks).toString("utf8")),
      });
    });
  }
}

function answerTooLarge(provider: string | undefined, status: number, limit: number): GatewayError {
  const who = provider ?? "the upstream";
  return new GatewayError(
    "upstream_response_too_large",
    `${who} sent an answer larger than upstream.max_response_bytes (${limit} bytes)`,
    { ...(provider === undefined ? {} : { provider }), upstreamStatus: status },
  );
}
