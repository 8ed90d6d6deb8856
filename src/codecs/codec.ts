import type { ChatRequest, Dialect } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsDialect, EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { StreamDecoder } from "../core/stream-part.js";
import type { GatewayError } from "../errors/gateway-error.js";
import type { SseEvent } from "./framing/sse.js";

/**
 * A parameter the target could not honour exactly. It is never silent: the gateway logs it
 * and returns it in the `x-switchyard-warnings` response header.
 */
export interface Warning {
  readonly code: "parameter_ignored" | "parameter_changed";
  /** The request field as the client named it, e.g. `metadata`. */
  readonly param: string;
  readonly message: string;
}

/** What a codec needs to know about the offering it encodes for (nothing about URLs or logins). */
export interface EncodeTarget {
  /** The provider's own model id or deployment name. */
  readonly nativeModel: string;
  /** Request fields this provider does not accept; the codec drops each with a warning. */
  readonly unsupportedFields?: ReadonlySet<string>;
}

export interface EncodedRequest {
  readonly body: Record<string, unknown>;
  readonly warnings: readonly Warning[];
}

/** An upstream answer's status, headers and body text, for error decoding. */
export interface UpstreamErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly provider: string;
}

/** Bounds on what one frame parser buffers, so a misbehaving upstream cannot exhaust memory. */
export interface FrameLimits {
  /** The largest event (or frame) that may be waiting to be complete; over it: `upstream_response_too_large`. */
  readonly maxEventBytes: number;
}

/**
 * Cuts an upstream byte stream into the events of its framing (SSE, AWS event stream).
 * Framing is written once per format in `codecs/framing/`; a codec names the one its dialect uses.
 */
export interface FrameParser<Event> {
  push(chunk: Buffer): readonly Event[];
  /** The upstream body ended: flush what is buffered (an incomplete frame is the decoder's truncation). */
  end(): readonly Event[];
}

/** Where an image in a request comes from: inline bytes (a `data:` URL) or a link the provider fetches. */
export type ImageSource = "data" | "url";

/** What a document in a request is: an inline PDF, an inline plain-text document, or a link. */
export type DocumentSource = "pdf" | "text" | "url";

/**
 * Forms of input a dialect cannot carry at all, whatever the model or cloud: plain data, so that the
 * planner (which never encodes) can leave out an offering that could not take a request, with a
 * reason, instead of the encoder's 400 ending the failover while another offering could serve.
 */
export interface InputLimits {
  /** Image sources the dialect cannot send, each with why (shown in plans, and in the 400 when no offering can). */
  readonly rejectedImageSources?: Readonly<Partial<Record<ImageSource, string>>>;
  /** Document forms the dialect cannot send, each with why. */
  readonly rejectedDocumentSources?: Readonly<Partial<Record<DocumentSource, string>>>;
}

/**
 * Pure translation between the canonical shapes and one wire dialect.
 * No I/O, no clock, no environment: codecs never decide routing.
 */
export interface ChatCodec<Event = SseEvent> {
  readonly dialect: Dialect;
  /** What the dialect cannot carry; the planner checks it per offering before any attempt. */
  readonly inputLimits: InputLimits;
  /** Canonical → wire body. Throws GatewayError(`unsupported_parameter`) for what the dialect cannot express. */
  encodeChatRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest;
  /** Wire body (parsed JSON) → canonical. Throws GatewayError(`upstream_bad_response`) on a malformed body. */
  decodeChatResponse(body: unknown): ChatResult;
  /** A fresh frame parser for this dialect's stream framing: one per upstream response. */
  createFrameParser(limits?: FrameLimits): FrameParser<Event>;
  /** A fresh stream decoder: one per upstream response. */
  createStreamDecoder(): StreamDecoder<Event>;
  /** An upstream non-2xx answer → the GatewayError whose code drives failover. */
  decodeError(response: UpstreamErrorResponse): GatewayError;
}

export interface EmbeddingsCodec {
  readonly dialect: EmbeddingsDialect;
  /**
   * The most inputs one upstream call may carry (Bedrock Titan: 1). The executor splits a larger request
   * into calls of this size, in order, and joins their vectors. Unlimited when absent.
   */
  readonly maxInputsPerRequest?: number;
  encodeEmbeddingsRequest(request: EmbeddingsRequest, target: EncodeTarget): EncodedRequest;
  decodeEmbeddingsResponse(body: unknown): EmbeddingsResult;
  decodeError(response: UpstreamErrorResponse): GatewayError;
}
