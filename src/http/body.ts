import type { IncomingMessage } from "node:http";
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
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);

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
