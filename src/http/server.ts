import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/types.js";
import { createRequestHandler, type RouterState } from "./router.js";
import { composeGateway, type GatewayServices } from "../gateway/compose.js";
import type { Store } from "../store/index.js";

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly services: GatewayServices;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests and streams finish until the deadline,
   * then cut what is left. Resolves when everything is closed.
   */
  close(graceMs?: number): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  listen: { host?: string; port?: number } = {},
  /** The opened store the ledger is written to (the caller closes it after `close()`). */
  store?: Store,
): Promise<RunningGateway> {
  const services = composeGateway(config, { logger, store });
  const state: RouterState = { accepting: true, cutting: false };
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0 },
    createRequestHandler(services, state),
  );
  const host = listen.host ?? config.server.host;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? config.server.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    services,
    close(graceMs = config.server.shutdownGraceMs) {
      closing ??= shutdown(server, state, services, graceMs);
      return closing;
    },
  };
}

async function shutdown(
  server: Server,
  state: RouterState,
  services: GatewayServices,
  graceMs: number,
): Promise<void> {
  state.accepting = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive sockets would hold `close` open; busy ones finish their response first.
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      state.cutting = true;
      server.closeAllConnections();
      resolve();
    }, graceMs);
  });
  await Promise.race([closed, deadline]);
  clearInterval(idleSweep);
  clearTimeout(timer);
  await services.pools.close();
  // Every request has ended, so every report is queued: write the ledger out before the store closes.
  await services.ledger?.close();
}
