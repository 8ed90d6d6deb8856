import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { crc32 } from "node:zlib";
import { GatewayError } from "../../errors/gateway-error.js";
import type { FrameLimits, FrameParser } from "../codec.js";
import { DEFAULT_MAX_EVENT_BYTES } from "./sse.js";

/**
 * One message of an `application/vnd.amazon.eventstream` body, with the headers a decoder routes on
 * and the payload already parsed as JSON (undefined when the payload is empty).
 */
export interface AwsEventStreamMessage {
  /** `:message-type`: `event`, `exception` (modeled error) or `error` (unmodeled error). */
  readonly messageType: string;
  /** `:event-type`, on events: the union member name, e.g. `contentBlockDelta`. */
  readonly eventType?: string;
  /** `:exception-type`, on exceptions, e.g. `throttlingException`. */
  readonly exceptionType?: string;
  /** `:error-code` and `:error-message`, on unmodeled errors. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly payload: unknown;
}

const PRELUDE_BYTES = 12;
const MINIMUM_MESSAGE_BYTES = 16;
/** The spec's limits: payload ≤ 24 MiB, headers ≤ 128 KiB. A larger prelude is corruption, not data. */
const MAXIMUM_MESSAGE_BYTES = 24 * 1024 * 1024 + 128 * 1024 + MINIMUM_MESSAGE_BYTES;

function malformed(message: string, cause?: unknown): GatewayError {
  return new GatewayError(
    "upstream_bad_response",
    `the upstream's event stream is malformed: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  return header?.type === "string" ? header.value : undefined;
}

/**
 * An incremental parser for the AWS event stream (Bedrock ConverseStream, and any AWS event stream).
 * @see https://smithy.io/2.0/aws/amazon-eventstream.html
 *
 * Chunks may split anywhere: bytes wait in a list until a whole message has arrived, then the official
 * codec checks both CRCs and parses the headers. The prelude CRC is checked as soon as 12 bytes are here,
 * so a corrupted length never makes the parser wait for bytes that will not come. A CRC mismatch, a
 * malformed message or a payload that is not JSON throws `upstream_bad_response` (the relay turns a throw
 * into a failure). An incomplete message at `end()` is dropped: the decoder sees no terminal event and
 * reports the truncation itself.
 */
export class AwsEventStreamParser implements FrameParser<AwsEventStreamMessage> {
  readonly #codec = new EventStreamCodec(toUtf8, fromUtf8);
  /** A message may declare up to the spec's maximum, but no more than this is buffered for it. */
  readonly #maxMessageBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Length of the message at the head of the buffer, once its prelude has been read and checked. */
  #expected = 0;

  constructor(limits: FrameLimits = { maxEventBytes: DEFAULT_MAX_EVENT_BYTES }) {
    this.#maxMessageBytes = limits.maxEventBytes;
  }

  push(chunk: Buffer): AwsEventStreamMessage[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: AwsEventStreamMessage[] = [];
    while (this.#buffered >= (this.#expected || PRELUDE_BYTES)) {
      if (this.#expected === 0) {
        this.#expected = this.#readPrelude();
        continue;
      }
      const bytes = this.#take(this.#expected);
      this.#expected = 0;
      messages.push(this.#decode(bytes));
    }
    return messages;
  }

  end(): AwsEventStreamMessage[] {
    this.#chunks = [];
    this.#buffered = 0;
    this.#expected = 0;
    return [];
  }

  /** Validates the prelude of the buffered head message and returns its total length. */
  #readPrelude(): number {
    const head = this.#peek(PRELUDE_BYTES);
    const total = head.readUInt32BE(0);
    const headersLength = head.readUInt32BE(4);
    if (crc32(head.subarray(0, 8)) !== head.readUInt32BE(8)) throw malformed("prelude CRC mismatch");
    if (total < MINIMUM_MESSAGE_BYTES || total > MAXIMUM_MESSAGE_BYTES) {
      throw malformed(`a message declares an impossible length of ${total} bytes`);
    }
    if (headersLength > total - MINIMUM_MESSAGE_BYTES) {
      throw malformed("a message's headers are longer than the message");
    }
    if (total > this.#maxMessageBytes) {
      throw new GatewayError(
        "upstream_response_too_large",
        `the upstream's event stream declares a message of ${total} bytes, over upstream.max_event_bytes (${this.#maxMessageBytes})`,
      );
    }
    return total;
  }

  #decode(bytes: Buffer): AwsEventStreamMessage {
    let headers: MessageHeaders;
    let body: Uint8Array;
    try {
      ({ headers, body } = this.#codec.decode(bytes));
    } catch (error) {
      throw malformed(error instanceof Error ? error.message : "undecodable message", error);
    }
    const messageType = stringHeader(headers, ":message-type") ?? "event";
    let payload: unknown;
    if (body.byteLength > 0) {
      const contentType = stringHeader(headers, ":content-type");
      const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
      if (contentType === undefined || contentType.includes("json")) {
        try {
          payload = JSON.parse(text) as unknown;
        } catch (error) {
          throw malformed("a message's payload is not JSON", error);
        }
      } else {
        payload = text;
      }
    }
    const message: { -readonly [K in keyof AwsEventStreamMessage]: AwsEventStreamMessage[K] } = {
      messageType,
      payload,
    };
    const eventType = stringHeader(headers, ":event-type");
    if (eventType !== undefined) message.eventType = eventType;
    const exceptionType = stringHeader(headers, ":exception-type");
    if (exceptionType !== undefined) message.exceptionType = exceptionType;
    const errorCode = stringHeader(headers, ":error-code");
    if (errorCode !== undefined) message.errorCode = errorCode;
    const errorMessage = stringHeader(headers, ":error-message");
    if (errorMessage !== undefined) message.errorMessage = errorMessage;
    return message;
  }

  /** The first `length` buffered bytes, without consuming them (joins chunks only when needed). */
  #peek(length: number): Buffer {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= length) return first.subarray(0, length);
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined.subarray(0, length);
  }

  /** Removes and returns the first `length` buffered bytes. */
  #take(length: number): Buffer {
    const head = this.#peek(length);
    const first = this.#chunks[0] as Buffer;
    if (first.length === length) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(length);
    this.#buffered -= length;
    return head;
  }
}
