import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Cancellation } from "../engine/cancellation.js";
import { ClientAbortedError } from "../engine/upstream-failure.js";
import { GatewayError } from "../errors/gateway-error.js";

/**
 * Reads a JSON request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a body that grows past it is cut off.
 */
export function readJsonBody(
  request: IncomingMessage,
  limit: number,
  cancellation: Cancellation,
): Promise<unknown> {
  const type = request.headers["content-type"];
  if (type === undefined || !isJson(type)) {
    throw new GatewayError(
      "unsupported_media_type",
      `Content-Type must be application/json (got ${type === undefined ? "none" : JSON.stringify(type)}).`,
    );
  }
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    drainRefusedBody(request, 0);
    throw tooLarge(limit);
  }

  // Two listeners rather than an async iterator, and no removals: this runs on every request.
  // A client that goes away mid-body cancels the request, which settles the promise.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    request.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        chunks.length = 0;
        drainRefusedBody(request, size);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (settled) return;
      settled = true;
      try {
        resolve(parseJson(chunks));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    cancellation.subscribe(() => {
      if (settled) return;
      settled = true;
      reject(new ClientAbortedError("the client closed the connection while sending its request"));
    });
  });
}

function parseJson(chunks: readonly Buffer[]): unknown {
  const text =
    chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
  if (text.length === 0)
    throw new GatewayError("invalid_json", "The request body is empty; expected a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function isJson(contentType: string): boolean {
  const semicolon = contentType.indexOf(";");
  const media = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
}

/**
 * Connections whose current request was answered (413) before its body was in: if that body then
 * times out, there is no second answer to give, only the connection to close.
 */
export const answeredEarly = new WeakSet<Socket>();

/** How much of a refused body is read and thrown away so that the client can read the 413. */
export const REFUSED_BODY_DRAIN_BYTES = 64 * 1024 * 1024;
/** How long a connection lingers, reading and discarding, after the gateway half-closed it. */
const LINGER_MS = 2_000;

/**
 * Keeps reading a refused body, discarding it, so that the 413 reaches the client. Closing a socket
 * whose peer is still sending makes the kernel answer with a reset, and a client that had not read
 * the 413 yet loses it (`fetch failed`, `EPIPE`) — what reverse proxies avoid by draining or a
 * lingering close. The body is drained up to REFUSED_BODY_DRAIN_BYTES (the connection then stays
 * usable); past that the gateway half-closes after the response and lingers, reading, for LINGER_MS
 * before it destroys the socket. The server's request timeout bounds the time either way.
 */
function drainRefusedBody(request: IncomingMessage, alreadyRead: number): void {
  answeredEarly.add(request.socket);
  request.once("end", () => answeredEarly.delete(request.socket));
  let drained = alreadyRead;
  let lingering = false;
  request.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (lingering || drained <= REFUSED_BODY_DRAIN_BYTES) return;
    lingering = true;
    lingerClose(request.socket);
  });
}

function lingerClose(socket: Socket): void {
  // `end` sends FIN after what is queued (the 413); reading goes on until the peer closes or time is up.
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError("body_too_large", `The request body exceeds the limit of ${limit} bytes.`);
}

/**
 * The JSON body of a request that names a model, with the model a URL named (Azure deployment routes)
 * winning over the body's.
 */
export function readModelRequest(
  request: IncomingMessage,
  limit: number,
  cancellation: Cancellation,
  modelFromPath: string | undefined,
): Promise<unknown> {
  const body = readJsonBody(request, limit, cancellation);
  if (modelFromPath === undefined) return body;
  return body.then((value) =>
    value === null || typeof value !== "object" || Array.isArray(value)
      ? value
      : { ...value, model: modelFromPath },
  );
}
