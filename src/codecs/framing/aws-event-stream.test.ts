import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors/gateway-error.js";
import { AwsEventStreamParser, type AwsEventStreamMessage } from "./aws-event-stream.js";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(headers: Record<string, string>, payload: string): Buffer {
  const tagged: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: "string", value };
  return Buffer.from(codec.encode({ headers: tagged, body: fromUtf8(payload) }));
}

function event(type: string, payload: unknown): Buffer {
  return frame(
    { ":event-type": type, ":content-type": "application/json", ":message-type": "event" },
    JSON.stringify(payload),
  );
}

function parseAll(parser: AwsEventStreamParser, chunks: readonly Buffer[]): AwsEventStreamMessage[] {
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
}

function thrown(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("AwsEventStreamParser", () => {
  it("decodes the reference test vector (messageStop, 122 bytes)", () => {
    const hex =
      "0000007a00000051ca2c46650b3a6576656e742d7479706507000b6d65737361676553746f700d3a636f6e74656e742d747970" +
      "650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b2273746f7052" +
      "6561736f6e223a22656e645f7475726e227d5fbf09fc";
    const messages = parseAll(new AwsEventStreamParser(), [Buffer.from(hex, "hex")]);
    expect(messages).toEqual([
      { messageType: "event", eventType: "messageStop", payload: { stopReason: "end_turn" } },
    ]);
  });

  it("reads exception and unmodeled error messages", () => {
    const exception = frame(
      {
        ":exception-type": "throttlingException",
        ":content-type": "application/json",
        ":message-type": "exception",
      },
      '{"message":"slow down"}',
    );
    const error = frame(
      { ":message-type": "error", ":error-code": "Boom", ":error-message": "it broke" },
      "",
    );
    expect(parseAll(new AwsEventStreamParser(), [Buffer.concat([exception, error])])).toEqual([
      { messageType: "exception", exceptionType: "throttlingException", payload: { message: "slow down" } },
      { messageType: "error", errorCode: "Boom", errorMessage: "it broke", payload: undefined },
    ]);
  });

  it("gives the same messages however the bytes are split", () => {
    const payloads = [
      { role: "assistant", p: "abcdef" },
      { contentBlockIndex: 0, delta: { text: "Héllo, wörld — ✓" } },
      { contentBlockIndex: 0 },
      { stopReason: "end_turn" },
    ];
    const types = ["messageStart", "contentBlockDelta", "contentBlockStop", "messageStop"];
    const body = Buffer.concat(payloads.map((payload, index) => event(types[index] ?? "", payload)));
    const expected = payloads.map((payload, index) => ({
      messageType: "event",
      eventType: types[index],
      payload,
    }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), body.length];
        const chunks = points.slice(1).map((end, index) => body.subarray(points[index], end));
        expect(parseAll(new AwsEventStreamParser(), chunks)).toEqual(expected);
      }),
    );
  });

  it("rejects a message whose CRC does not match", () => {
    const bytes = event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "hello" } });
    const at = bytes.length - 8; // a payload byte: the message CRC no longer matches
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
    const error = thrown(() => new AwsEventStreamParser().push(bytes));
    expect(error.code).toBe("upstream_bad_response");
    expect(error.message).toMatch(/checksum/i);
  });

  it("rejects a corrupted prelude before waiting for the length it declares", () => {
    const bytes = event("messageStart", { role: "assistant" });
    bytes[1] = 0x7f; // total length now ~2 GB; the prelude CRC catches it
    const error = thrown(() => new AwsEventStreamParser().push(bytes.subarray(0, 12)));
    expect(error.code).toBe("upstream_bad_response");
    expect(error.message).toMatch(/prelude CRC/);
  });

  it("rejects a payload that is not JSON", () => {
    const bytes = frame(
      { ":event-type": "x", ":content-type": "application/json", ":message-type": "event" },
      "{",
    );
    expect(thrown(() => new AwsEventStreamParser().push(bytes)).code).toBe("upstream_bad_response");
  });

  it("drops an incomplete trailing message at the end (the decoder reports the truncation)", () => {
    const whole = event("messageStart", { role: "assistant" });
    const partial = event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "cut" } });
    const parser = new AwsEventStreamParser();
    expect(parser.push(Buffer.concat([whole, partial.subarray(0, partial.length - 5)]))).toHaveLength(1);
    expect(parser.end()).toEqual([]);
  });
});

describe("AwsEventStreamParser's bound on one message (issue 10, defect 9: unbounded upstream bodies)", () => {
  it("fails a message that declares more than max_event_bytes before buffering it", () => {
    const big = event("contentBlockDelta", { delta: { text: "z".repeat(4096) } });
    const parser = new AwsEventStreamParser({ maxEventBytes: 1024 });
    // Only the prelude has arrived: the declared length alone fails it.
    expect(thrown(() => parser.push(big.subarray(0, 12))).code).toBe("upstream_response_too_large");
  });

  it("takes messages within the bound", () => {
    const parser = new AwsEventStreamParser({ maxEventBytes: 1024 });
    const small = event("contentBlockDelta", { delta: { text: "ok" } });
    expect(parseAll(parser, [small, small])).toHaveLength(2);
  });
});
