import type { IncomingMessage, ServerResponse } from "node:http";
import { ClientAbortedError } from "../engine/upstream-failure.js";
import { GatewayError, normalizeError } from "../errors/gateway-error.js";
import { sendJson, sendOpenAIError } from "./respond.js";
import type { RequestContext } from "./routes/context.js";
import { openaiListModels, openaiRetrieveModel } from "./routes/models.js";
import { openaiChatCompletions } from "./routes/openai-chat.js";
import { openaiEmbeddings } from "./routes/openai-embeddings.js";
import type { GatewayServices } from "./services.js";

export interface RouterState {
  /** False once shutdown has begun: readiness fails, new work is refused. */
  accepting: boolean;
}

/** Known paths and the methods they answer, for telling 404 from 405. */
const knownPaths = new Map<string, string>([
  ["/v1/chat/completions", "POST"],
  ["/v1/embeddings", "POST"],
  ["/v1/models", "GET"],
  ["/healthz", "GET"],
  ["/readyz", "GET"],
]);

/**
 * The gateway's request handler on plain `node:http`: one switch, no framework, because every
 * microsecond here is paid by every request (see bench/RESULTS.md).
 */
export function createRequestHandler(
  services: GatewayServices,
  state: RouterState,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const requestId = services.nextRequestId();
    response.setHeader("x-request-id", requestId);
    const abort = new AbortController();
    const context: RequestContext = { requestId, signal: abort.signal, attempts: [] };
    response.once("close", () => {
      if (!response.writableFinished) abort.abort();
    });

    route(services, state, request, response, context).catch((error: unknown) => {
      if (error instanceof ClientAbortedError || response.destroyed) return;
      const failure = normalizeError(error);
      if (failure.code === "internal_error")
        services.logger.error({ err: error, requestId }, "request failed");
      if (!response.headersSent && context.attempts.length > 0) {
        response.setHeader("x-switchyard-attempts", String(context.attempts.length));
      }
      sendOpenAIError(response, failure);
    });
  };
}

async function route(
  services: GatewayServices,
  state: RouterState,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const method = request.method ?? "GET";

  if (method === "POST" && path === "/v1/chat/completions") {
    if (!state.accepting) throw shuttingDown();
    return openaiChatCompletions(services, request, response, context);
  }
  if (method === "POST" && path === "/v1/embeddings") {
    if (!state.accepting) throw shuttingDown();
    return openaiEmbeddings(services, request, response, context);
  }
  if (method === "GET" && path === "/v1/models") return openaiListModels(services, request, response);
  if (method === "GET" && path.startsWith("/v1/models/") && path.length > 11) {
    return openaiRetrieveModel(services, request, response, decodeURIComponent(path.slice(11)));
  }
  if (method === "GET" && path === "/healthz") return sendJson(response, 200, { status: "ok" });
  if (method === "GET" && path === "/readyz") {
    return state.accepting
      ? sendJson(response, 200, { status: "ready" })
      : sendJson(response, 503, { status: "shutting_down" });
  }

  const allowed = knownPaths.get(path) ?? (path.startsWith("/v1/models/") ? "GET" : undefined);
  if (allowed !== undefined) {
    response.setHeader("allow", allowed);
    throw new GatewayError("method_not_allowed", `${method} is not allowed on ${path}; use ${allowed}.`);
  }
  throw new GatewayError("route_not_found", `Unknown request URL: ${method} ${path}.`);
}

function shuttingDown(): GatewayError {
  return new GatewayError("shutting_down", "The gateway is shutting down; retry on another instance.");
}
