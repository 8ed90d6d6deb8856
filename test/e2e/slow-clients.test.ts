import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setFault, startHarness, testKey, type Harness } from "../support/harness.js";

/**
 * Issue 10, defects 1 and 8: slow-loris clients are cut within the configured bounds while normal
 * traffic (a stream that outlasts the bounds included) goes on, one address cannot hold more than its
 * share of connections, and what Node's HTTP parser refuses is answered in OpenAI's envelope.
 * The attackers connect from other loopback addresses (127.0.0.2, 127.0.0.3) than the normal client.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness((document) => {
    Object.assign(document.server as Record<string, unknown>, {
      headers_timeout_ms: 500,
      request_timeout_ms: 1_000,
      max_connections_per_client: 64,
    });
  });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(async () => {
  await harness.reset();
});

interface Dribbler {
  readonly socket: Socket;
  /** Everything the gateway sent back, and whether it closed the connection. */
  readonly outcome: Promise<{ received: string; closed: boolean }>;
}

/** A client that sends `head` and then one byte of `drip` every 100 ms, forever. */
function dribbler(localAddress: string, head: string, drip: string): Dribbler {
  const url = new URL(harness.gateway.url);
  const socket = connect({ port: Number(url.port), host: url.hostname, localAddress });
  let received = "";
  socket.on("data", (data: Buffer) => (received += data.toString("latin1")));
  socket.on("error", () => {});
  const timer = setInterval(() => {
    if (socket.writable) socket.write(drip);
  }, 100);
  // Queued before any drip, so the head goes first even if connecting takes a while.
  if (head !== "") socket.write(head);
  const outcome = new Promise<{ received: string; closed: boolean }>((resolve) => {
    socket.once("close", () => {
      clearInterval(timer);
      resolve({ received, closed: true });
    });
    // Far beyond the bounds under test: a connection still open then was never cut.
    setTimeout(() => {
      clearInterval(timer);
      resolve({ received, closed: socket.destroyed });
      socket.destroy();
    }, 8_000);
  });
  return { socket, outcome };
}

function envelopeCode(received: string): string | undefined {
  const body = received.slice(received.indexOf("\r\n\r\n") + 4);
  try {
    return (JSON.parse(body) as { error: { code: string } }).error.code;
  } catch {
    return undefined;
  }
}

const chatHead = (length: number): string =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${testKey}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe("slow-loris clients (issue 10, defect 1)", () => {
  it("are cut within the bounds while a normal request and a stream still succeed", async () => {
    // 60 in all: under this address's cap of 64, so each is cut by a deadline, not refused by the cap.
    const headerDribblers = Array.from({ length: 30 }, () =>
      dribbler("127.0.0.2", "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nX-Slow: ", "a"),
    );
    const bodyDribblers = Array.from({ length: 20 }, () => dribbler("127.0.0.2", chatHead(10_000), " "));
    const silent = Array.from({ length: 10 }, () => dribbler("127.0.0.2", "", ""));

    // Normal traffic meanwhile, from another address: answered as usual.
    const answer = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();

    const outcomes = await Promise.all(
      [...headerDribblers, ...bodyDribblers, ...silent].map((d) => d.outcome),
    );
    expect(outcomes.every((outcome) => outcome.closed)).toBe(true);
    // Each was told why, in OpenAI's envelope.
    expect(outcomes.map((outcome) => envelopeCode(outcome.received))).toEqual(
      outcomes.map(() => "request_timeout"),
    );
    expect(outcomes[0]?.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("do not cut a response that takes longer than the request bounds (they cover only receiving the request)", async () => {
    for (const emulator of harness.emulators.values()) await setFault(emulator, { latency_ms: 1_600 });
    const stream = await harness.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    let text = "";
    for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
  });
});

describe("connections per client address (issue 10, defect 1)", () => {
  it("are capped: the connections over the cap get 429 too_many_connections and are closed", async () => {
    const clients = Array.from({ length: 70 }, () => dribbler("127.0.0.3", "", ""));
    const outcomes = await Promise.all(clients.map((client) => client.outcome));
    const codes = outcomes.map((outcome) => envelopeCode(outcome.received));
    expect(codes.filter((code) => code === "too_many_connections")).toHaveLength(6);
    expect(codes.filter((code) => code === "request_timeout")).toHaveLength(64);
    expect(
      outcomes.find((outcome) => envelopeCode(outcome.received) === "too_many_connections")?.received,
    ).toMatch(/^HTTP\/1\.1 429 /);
  });
});

describe("what Node's HTTP parser refuses (issue 10, defect 8)", () => {
  async function raw(text: string): Promise<string> {
    const { socket, outcome } = dribbler("127.0.0.1", text, "");
    const { received } = await outcome;
    socket.destroy();
    return received;
  }

  it("oversized headers → 431 headers_too_large in OpenAI's envelope", async () => {
    const received = await raw(
      `GET /v1/models HTTP/1.1\r\nHost: gateway\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    expect(envelopeCode(received)).toBe("headers_too_large");
  });

  it("a malformed request → 400 malformed_request in OpenAI's envelope", async () => {
    const received = await raw("GET /v1/models HTTP/1.1\r\nHost gateway\r\n\r\n");
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(envelopeCode(received)).toBe("malformed_request");
  });
});
