import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import { ConnectionLimiter, refusalBytes, refuseClientError } from "./connection-guard.js";
import { InFlight } from "./in-flight.js";
import { createRequestHandler, type RouterState } from "./router.js";
import { composeGateway, type ComposeOptions, type GatewayServices } from "../gateway/compose.js";
import { connectSharedState } from "../gateway/shared-state.js";
import type { Store } from "../store/index.js";
import { endOpenStream } from "./sse-sink.js";

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly services: GatewayServices;
  /**
   * Graceful shutdown: readiness fails and new work is refused (503 `shutting_down`, `Connection: close`)
   * while in-flight requests and streams finish, until the deadline; streams still running then are
   * ended with an in-stream `shutting_down` error, then every connection is closed.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long streams ended at the deadline get to flush their error event before their sockets close. */
const STREAM_END_FLUSH_MS = 1_000;

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  listen: { host?: string; port?: number } = {},
  /** The opened store the ledger is written to (the caller closes it after `close()`). */
  store?: Store,
  ledger?: ComposeOptions["ledger"],
): Promise<RunningGateway> {
  // With `redis.url`: rate limits, budgets and circuit openings shared with the other replicas.
  const shared = config.redis === undefined ? undefined : await connectSharedState(config.redis, logger);
  const services = composeGateway(config, { logger, store, ledger, counters: shared?.counters });
  await shared?.shareCircuits(services.health);
  // The store's keys and tenants are in memory before the first request.
  await services.directory.start();
  const state: RouterState = { accepting: true, cutting: false };
  const settings = config.server;
  const inFlight = new InFlight<ServerResponse>();
  const drained = new Drained();
  const route = createRequestHandler(services, state);
  const server = createServer(
    {
      // Node counts both from the request's first byte until its headers / its whole body are in; the
      // response (a stream of many minutes included) is not counted. A connection that sends nothing
      // is bounded by the headers timeout as well.
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks those deadlines on this period (30 s by default), which is their precision.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    (request: IncomingMessage, response: ServerResponse) => {
      // A connection over its address's cap was answered and half-closed at once: it gets no work done.
      if (request.socket.writableEnded) {
        response.destroy();
        return;
      }
      const slot = inFlight.add(response);
      response.once("close", () => {
        inFlight.delete(slot);
        if (inFlight.size === 0 && !state.accepting) drained.resolve();
      });
      // While draining, every answer (readiness included) closes its connection.
      if (!state.accepting) response.shouldKeepAlive = false;
      route(request, response);
    },
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    refuseClientError(error, socket),
  );
  if (settings.maxConnectionsPerClient > 0) {
    const limiter = new ConnectionLimiter(settings.maxConnectionsPerClient);
    server.on("connection", (socket: Socket) => {
      if (limiter.admit(socket)) return;
      // Answered at once and closed, before its request is read: holding it would be what the cap prevents.
      socket.end(refusalBytes(tooManyConnections(settings.maxConnectionsPerClient)));
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }
  const host = listen.host ?? settings.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(listen.port ?? settings.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    services.directory.close();
    await shared?.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    services,
    close(graceMs = settings.shutdownGraceMs) {
      closing ??= shutdown({ server, state, services, inFlight, drained }, graceMs).then(() =>
        shared?.close(),
      );
      return closing;
    },
  };
}

/** Resolves once, when the last in-flight request of a draining server has finished. */
class Drained {
  #resolve: (() => void) | undefined;
  readonly promise = new Promise<void>((resolve) => {
    this.#resolve = resolve;
  });

  resolve(): void {
    this.#resolve?.();
  }
}

async function shutdown(
  parts: {
    server: Server;
    state: RouterState;
    services: GatewayServices;
    inFlight: InFlight<ServerResponse>;
    drained: Drained;
  },
  graceMs: number,
): Promise<void> {
  const { server, state, services, inFlight, drained } = parts;
  state.accepting = false;
  // The listener stays open while work drains, so health checks see the 503 and new work is told to
  // go elsewhere; answers not started yet close their connection.
  for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
  if (inFlight.size === 0) drained.resolve();
  // Idle keep-alive sockets would hold `close` open; busy ones finish their response first.
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), graceMs);
  });
  const outcome = await Promise.race([drained.promise, deadline]);
  clearTimeout(timer);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // What is still running now is cut by the shutdown: its request reports say so.
  if (outcome === "deadline") state.cutting = true;
  if (outcome === "deadline") await endStreams(inFlight);
  clearInterval(idleSweep);
  server.closeAllConnections();
  await closed;
  await services.pools.close();
  services.directory.close();
  // Every request has ended, so every report is queued: write the ledger out before the store closes.
  await services.ledger?.close();
}

/**
 * Ends every stream still running with an in-stream `shutting_down` error (an SDK raises it as an API
 * error, not as a cut connection), and waits a moment for those events to be flushed.
 */
async function endStreams(inFlight: Iterable<ServerResponse>): Promise<void> {
  const error = new GatewayError(
    "shutting_down",
    "The gateway is shutting down and its grace period ended before this stream did; retry the request.",
  );
  const flushed: Promise<void>[] = [];
  for (const response of inFlight) {
    if (!endOpenStream(response, error)) continue;
    flushed.push(new Promise((resolve) => response.once("close", () => resolve())));
  }
  if (flushed.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(flushed),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STREAM_END_FLUSH_MS);
    }),
  ]);
  clearTimeout(timer);
}

function tooManyConnections(limit: number): GatewayError {
  return new GatewayError(
    "too_many_connections",
    `This client address already holds ${limit} open connections to the gateway (server.max_connections_per_client); reuse connections or close some.`,
  );
}
