import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen } from "../listen.js";
import { handleControl } from "../control-routes.js";
import type { Fault, FaultController } from "../fault-controller.js";
import { flatHeaders, parseJson, readBody, sendJson, sleep } from "../http-io.js";
import type { Pacing } from "../types.js";
import type { WireError } from "../wire-errors.js";
import { googleError, injectedGoogleError, invalidArgument, pathNotFound } from "./google-errors.js";

/** What a route handler gets once the route matched, the login passed and the pre-answer faults are done. */
export interface GoogleRouteContext {
  /** The emulator's name: seeds ids, so replies are reproducible. */
  readonly name: string;
  /** Per-emulator request counter: with `name`, makes ids unique and deterministic. */
  readonly sequence: number;
  readonly pacing: Pacing | undefined;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** The route pattern's match on the path (capture groups: version, project, model, method…). */
  readonly match: RegExpExecArray;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  sendError(error: WireError): void;
}

/**
 * One route of a Google emulator. `chat` and `embeddings` routes are logged, authorised and faulted;
 * `models` routes are authorised only; `public` routes (the OAuth token endpoint) are none of these.
 */
export interface GoogleRoute {
  readonly method: "GET" | "POST";
  /** Matched against the path without its query; anchored. */
  readonly pattern: RegExp;
  readonly operation: "chat" | "embeddings" | "models" | "public";
  /** Whether this request streams (for faults that match streams only). */
  readonly stream?: (match: RegExpExecArray, url: URL, body: unknown) => boolean;
  /** The body is parsed JSON (or the raw text for `public` routes); the fault is the one taken, if any. */
  handle(context: GoogleRouteContext, body: unknown, fault: Fault | undefined): void | Promise<void>;
}

export interface GoogleServerOptions {
  readonly name: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly pacing: Pacing | undefined;
  readonly faults: FaultController;
  /** Read at each request, so routes added after start (see `addRoute`) are served. */
  readonly routes: readonly GoogleRoute[];
  /** Checks the login; returns the error to answer when it fails. */
  readonly authorize: (request: IncomingMessage, url: URL) => WireError | undefined;
}

export interface GoogleServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The HTTP skeleton both Google emulators share: `/__emulator/*` controls, the route table, the request
 * log, auth, and the faults that come before an answer (latency → reset → status), each in Google's
 * envelope. Stream faults and `blocked` are the route handler's to apply.
 */
export async function startGoogleServer(options: GoogleServerOptions): Promise<GoogleServer> {
  const { faults, name } = options;
  let sequence = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator");
    if (url.pathname.startsWith("/__emulator/"))
      return handleControl(request, response, url.pathname, faults);
    const method = request.method ?? "GET";
    let route: GoogleRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of options.routes) {
      if (candidate.method !== method) continue;
      match = candidate.pattern.exec(url.pathname);
      if (match !== null) {
        route = candidate;
        break;
      }
    }
    const send = (error: WireError) => sendJson(response, error.status, error.headers, error.body);
    if (route === undefined || match === null) {
      request.resume();
      return send(pathNotFound(method, url.pathname));
    }
    const controller = new AbortController();
    response.on("close", () => controller.abort());
    sequence += 1;
    const context: GoogleRouteContext = {
      name,
      sequence,
      pacing: options.pacing,
      request,
      response,
      url,
      match,
      signal: controller.signal,
      sendError: send,
    };
    if (route.operation === "models") {
      const denied = options.authorize(request, url);
      request.resume();
      return denied === undefined ? route.handle(context, undefined, undefined) : send(denied);
    }
    const body = await readBody(request);
    if (!body.ok) {
      if (body.reason === "too-large")
        send(googleError(413, "INVALID_ARGUMENT", "Request payload size exceeds the limit."));
      return;
    }
    if (route.operation === "public") return route.handle(context, body.text, undefined);
    const json = parseJson(body.text);
    faults.record({
      body: json.ok ? json.value : body.text,
      path: `${url.pathname}${url.search}`,
      headers: flatHeaders(request),
    });
    const denied = options.authorize(request, url);
    if (denied !== undefined) return send(denied);
    const stream = route.stream?.(match, url, json.ok ? json.value : undefined) ?? false;
    const fault = faults.take({ operation: route.operation, stream });
    if (fault?.latency_ms !== undefined && !(await sleep(fault.latency_ms, controller.signal))) return;
    if (fault?.reset === true) {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.status !== undefined) return send(injectedGoogleError(fault.status, fault.retry_after_s));
    if (!json.ok)
      return send(
        invalidArgument(`Invalid JSON payload received. Unexpected token.\n${body.text.slice(0, 40)}\n^`),
      );
    return route.handle(context, json.value, fault);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent)
        sendJson(response, 500, {}, googleError(500, "INTERNAL", "Emulator failure.").body);
      else response.destroy();
    });
  });
  return listen(server, options.host, options.port);
}

/** A path segment from a route match, percent-decoded; kept as sent when it is not valid encoding. */
export function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}
