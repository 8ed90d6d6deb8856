import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.js";
import { Cancellation } from "./cancellation.js";
import { exchangeBuffered, exchangeStreaming, type ExchangeRequest } from "./upstream-exchange.js";

let server: Server | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.destroy();
  server?.closeAllConnections();
  server?.close();
});

/** An upstream that answers `status` with `size` bytes, in 64 KiB writes, and counts what it sent. */
async function upstream(status: number, size: number): Promise<{ pool: Pool; sent: () => number }> {
  let sent = 0;
  server = createServer((_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const write = (): void => {
      while (sent < size) {
        sent += piece.length;
        if (!response.write(piece)) return void response.once("drain", write);
      }
      response.end();
    };
    response.on("error", () => {});
    write();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return { pool, sent: () => sent };
}

const request = (maxBodyBytes: number): ExchangeRequest => ({
  path: "/",
  headers: {},
  body: "{}",
  headersTimeout: 5_000,
  bodyTimeout: 5_000,
  maxBodyBytes,
  provider: "huge",
});

describe("bounded upstream answers (issue 10, defect 9: unbounded upstream bodies)", () => {
  it("fails a buffered answer over max_response_bytes and stops reading it", async () => {
    const { pool, sent } = await upstream(200, 64 * 1024 * 1024);
    const error = await exchangeBuffered(pool, request(1024 * 1024), new Cancellation()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("upstream_response_too_large");
    expect((error as GatewayError).provider).toBe("huge");
    // The connection was dropped long before the 64 MiB were sent.
    expect(sent()).toBeLessThan(32 * 1024 * 1024);
  });

  it("answers a buffered answer within the bound in full", async () => {
    const { pool } = await upstream(200, 256 * 1024);
    const answer = await exchangeBuffered(pool, request(1024 * 1024), new Cancellation());
    expect(answer.body.length).toBe(256 * 1024);
  });

  it("cuts a huge buffered error answer at the bound instead of failing on its size", async () => {
    const { pool } = await upstream(500, 8 * 1024 * 1024);
    const answer = await exchangeBuffered(pool, request(1024 * 1024), new Cancellation());
    expect(answer.statusCode).toBe(500);
    expect(answer.body.length).toBe(1024 * 1024);
  });

  it("cuts a streamed error answer's text at the bound", async () => {
    const { pool } = await upstream(503, 8 * 1024 * 1024);
    const answer = await exchangeStreaming(pool, request(1024 * 1024), new Cancellation());
    expect(answer.statusCode).toBe(503);
    expect((await answer.text()).length).toBe(1024 * 1024);
  });
});
