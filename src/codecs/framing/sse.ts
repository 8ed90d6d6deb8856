import { StringDecoder } from "node:string_decoder";
import { GatewayError } from "../../errors/gateway-error.js";
import type { FrameLimits } from "../codec.js";

/** One server-sent event, after framing: `data` lines joined with `\n`. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
  /** The last event id seen on the stream (it persists across events, as the spec says). */
  readonly id?: string;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * An incremental parser for `text/event-stream`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 *
 * Chunks may split anywhere, even inside a UTF-8 character or between the CR and LF of a CRLF.
 * Lines are found with `indexOf` over whole chunks; a chunk without a line end is parked in a list
 * and joined once, so a long event arriving in many small chunks costs linear, not quadratic, time.
 * Unlike a browser, `end()` also delivers a last event that lacks its closing blank line.
 *
 * What waits for a line or event end is bounded by `maxEventBytes` (counted in UTF-16 units, which are
 * never more than the UTF-8 bytes): an upstream that never ends its line or its event fails with
 * `upstream_response_too_large` instead of growing the buffer without limit.
 */
export class SseParser {
  readonly #decoder = new StringDecoder("utf8");
  readonly #maxEventBytes: number;
  /** Text after the last line end, split in pieces not joined yet. */
  #pending: string[] = [];
  #pendingLength = 0;
  /** The previous chunk ended in CR: an LF starting the next one belongs to it. */
  #skipLf = false;
  #started = false;
  #data: string | undefined;
  #event = "";
  #lastId = "";

  constructor(limits: FrameLimits = { maxEventBytes: DEFAULT_MAX_EVENT_BYTES }) {
    this.#maxEventBytes = limits.maxEventBytes;
  }

  push(chunk: Buffer | string): SseEvent[] {
    const text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    return this.#feed(text, false);
  }

  /** The stream ended: flushes a final line and event that had no terminating blank line. */
  end(): SseEvent[] {
    return this.#feed(this.#decoder.end(), true);
  }

  #feed(input: string, final: boolean): SseEvent[] {
    let text = input;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#skipLf && text.length > 0) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const events: SseEvent[] = [];
    let lf = text.indexOf("\n");
    let cr = text.indexOf("\r");
    if (lf === -1 && cr === -1) {
      if (text.length > 0) this.#park(text);
      if (final) this.#flush(events);
      return events;
    }
    if (this.#pending.length > 0) {
      const head = this.#pending.join("");
      this.#pending = [];
      this.#pendingLength = 0;
      text = head + text;
      lf = lf === -1 ? -1 : lf + head.length;
      cr = cr === -1 ? -1 : cr + head.length;
    }
    let start = 0;
    const length = text.length;
    while (start < length) {
      if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          next = cr + 1;
          this.#skipLf = true;
        }
      }
      this.#line(text, start, end, events);
      start = next;
    }
    if (start < length) this.#park(start === 0 ? text : text.slice(start));
    if (final) this.#flush(events);
    return events;
  }

  /** Keeps text that has no line end yet, within the bound (with the event's data collected so far). */
  #park(text: string): void {
    this.#pendingLength += text.length;
    this.#check(this.#pendingLength + (this.#data?.length ?? 0));
    this.#pending.push(text);
  }

  #check(size: number): void {
    if (size > this.#maxEventBytes) throw eventTooLarge(this.#maxEventBytes);
  }

  #flush(events: SseEvent[]): void {
    if (this.#pending.length > 0) {
      const rest = this.#pending.join("");
      this.#pending = [];
      this.#pendingLength = 0;
      this.#line(rest, 0, rest.length, events);
    }
    this.#line("", 0, 0, events);
  }

  /** Interprets `text[start, end)` as one line. */
  #line(text: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) {
      this.#dispatch(events);
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return;
    let colon = text.indexOf(":", start);
    if (colon >= end) colon = -1;
    const field = colon === -1 ? text.slice(start, end) : text.slice(start, colon);
    let value = "";
    if (colon !== -1) {
      let valueStart = colon + 1;
      if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart += 1;
      value = text.slice(valueStart, end);
    }
    switch (field) {
      case "data":
        this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
        // Many short data lines without the blank line that ends the event grow it just the same.
        this.#check(this.#data.length);
        break;
      case "event":
        this.#event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#lastId = value;
        break;
      default:
        // `retry` and unknown fields carry nothing a gateway needs.
        break;
    }
  }

  #dispatch(events: SseEvent[]): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = undefined;
    this.#event = "";
    if (data === undefined) return;
    const base: { event?: string; data: string; id?: string } = { data };
    if (event !== "") base.event = event;
    if (this.#lastId !== "") base.id = this.#lastId;
    events.push(base);
  }
}

/** The default bound on one pending event: 1 MiB (`upstream.max_event_bytes`). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

function eventTooLarge(limit: number): GatewayError {
  return new GatewayError(
    "upstream_response_too_large",
    `the upstream's stream sent an event larger than upstream.max_event_bytes (${limit} bytes)`,
  );
}
