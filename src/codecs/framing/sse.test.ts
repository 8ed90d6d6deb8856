import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SseParser, type SseEvent } from "./sse.js";

function parseAll(chunks: readonly (Buffer | string)[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events;
}

describe("SseParser", () => {
  it("parses data-only events and ignores comments", () => {
    expect(parseAll([': keep-alive\n\ndata: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual([
      { data: '{"a":1}' },
      { data: "[DONE]" },
    ]);
  });

  it("joins multiple data lines with LF and keeps event names and ids", () => {
    expect(parseAll(["event: error\nid: 7\ndata: one\ndata:two\ndata\n\n"])).toEqual([
      { event: "error", id: "7", data: "one\ntwo\n" },
    ]);
  });

  it("accepts LF, CRLF and CR line ends", () => {
    const expected = [{ data: "a" }, { data: "b" }];
    expect(parseAll(["data: a\n\ndata: b\n\n"])).toEqual(expected);
    expect(parseAll(["data: a\r\n\r\ndata: b\r\n\r\n"])).toEqual(expected);
    expect(parseAll(["data: a\r\rdata: b\r\r"])).toEqual(expected);
  });

  it("keeps a CRLF split between chunks as one line end", () => {
    expect(parseAll(["data: a\r", "\n\r", "\ndata: b\r\n\r\n"])).toEqual([{ data: "a" }, { data: "b" }]);
  });

  it("removes only one space after the colon", () => {
    expect(parseAll(["data:  two spaces\n\n"])).toEqual([{ data: " two spaces" }]);
  });

  it("does not dispatch an event without data, and resets the event name", () => {
    expect(parseAll(["event: ping\n\ndata: x\n\n"])).toEqual([{ data: "x" }]);
  });

  it("keeps the last event id across events", () => {
    expect(parseAll(["id: 1\ndata: a\n\ndata: b\n\n"])).toEqual([
      { id: "1", data: "a" },
      { id: "1", data: "b" },
    ]);
  });

  it("decodes a multi-byte character split across chunks", () => {
    const bytes = Buffer.from("data: 925 ÷ 5 = 185 🎉\n\n");
    const cut = bytes.indexOf(0xf0) + 2;
    expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([{ data: "925 ÷ 5 = 185 🎉" }]);
  });

  it("strips a leading byte order mark", () => {
    expect(parseAll([Buffer.from("\uFEFFdata: x\n\n")])).toEqual([{ data: "x" }]);
  });

  it("flushes a last event without its blank line at end()", () => {
    const parser = new SseParser();
    expect(parser.push("data: a\n\ndata: tail")).toEqual([{ data: "a" }]);
    expect(parser.end()).toEqual([{ data: "tail" }]);
  });

  it("handles an event spread over many small chunks", () => {
    const payload = "x".repeat(10_000);
    const chunks = `data: ${payload}\n\n`.match(/[\s\S]{1,7}/g) ?? [];
    expect(parseAll(chunks)).toEqual([{ data: payload }]);
  });

  it("property: any split of a byte stream yields the same events", () => {
    const line = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 20 }).map((text) => `data: ${text.replace(/[\r\n]/g, "")}`),
      fc.constantFrom("event: error", "id: 42", ": comment", "data", "retry: 10", ""),
    );
    const ending = fc.constantFrom("\n", "\r\n", "\r");
    const stream = fc
      .array(fc.tuple(line, ending), { maxLength: 30 })
      .map((lines) => Buffer.from(lines.map(([text, end]) => text + end).join("")));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let start = 0;
        for (const point of points) {
          chunks.push(bytes.subarray(start, point));
          start = point;
        }
        chunks.push(bytes.subarray(start));
        expect(parseAll(chunks)).toEqual(parseAll([bytes]));
      }),
      { numRuns: 300 },
    );
  });
});

describe("SseParser's bound on one pending event (issue 10, defect 9: unbounded upstream bodies)", () => {
  const codeOf = (action: () => unknown): string | undefined => {
    try {
      action();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return undefined;
  };

  it("fails an upstream whose line never ends once it outgrows max_event_bytes", () => {
    const parser = new SseParser({ maxEventBytes: 1024 });
    parser.push("data: ");
    const code = codeOf(() => {
      for (let index = 0; index < 100; index++) parser.push("x".repeat(100));
    });
    expect(code).toBe("upstream_response_too_large");
  });

  it("fails an event of many data lines that never gets its closing blank line", () => {
    const parser = new SseParser({ maxEventBytes: 1024 });
    const code = codeOf(() => {
      for (let index = 0; index < 100; index++) parser.push("data: xxxxxxxxxxxxxxxxxxxx\n");
    });
    expect(code).toBe("upstream_response_too_large");
  });

  it("lets any number of events through when each is within the bound", () => {
    const parser = new SseParser({ maxEventBytes: 1024 });
    let count = 0;
    for (let index = 0; index < 1000; index++) count += parser.push(`data: ${"y".repeat(900)}\n\n`).length;
    expect(count).toBe(1000);
  });
});
