import type { IncomingMessage, ServerResponse } from "node:http";
import { Cancellation } from "../engine/cancellation.js";
import { ClientAbortedError } from "../engine/upstream-failure.js";
import { GatewayError, normalizeError } from "../errors/gateway-error.js";
import { sendAnthropicError, sendJson, sendOpenAIError } from "./respond.js";
import { anthropicCountTokens, anthropicMessages, isAnthropicPath } from "./routes/anthropic-messages.js";
import { matchAzurePath } from "./azure-paths.js";
import { adminPlan } from "./routes/admin-plan.js";
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
  ["/v1/messages", "POST"],
  ["/v1/messages/count_tokens", "POST"],
  ["/admin/plan", "POST"],
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
    const cancellation = new Cancellation();
    const context: RequestContext = {
      requestId,
      cancellation,
      attempts: [],
      headers: ["x-request-id", requestId],
    };
    response.on("close", () => {
      if (!response.writableFinished) cancellation.cancel();
    });

    const fail = (error: unknown): void => {
      if (error instanceof ClientAbortedError || response.destroyed) return;
      const failure = normalizeError(error);
      if (failure.code === "internal_error")
        services.logger.error({ err: error, requestId }, "request failed");
      if (context.attempts.length > 0)
        context.headers.push("x-switchyard-attempts", String(context.attempts.length));
      // Anthropic clients read errors under /v1/messages in Anthropic's envelope, whatever failed.
      if (isAnthropicPath(pathOf(request.url)))
        sendAnthropicError(response, failure, context.headers, requestId);
      else sendOpenAIError(response, failure, context.headers);
    };
    // `route` is not an async function: wrapping the routes' own promises would cost microtasks.
    try {
      route(services, state, request, response, context)?.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

function route(
  services: GatewayServices,
  state: RouterState,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> | void {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const method = request.method ?? "GET";

  if (method === "POST" && path === "/v1/chat/completions") {
    if (!state.accepting) throw shuttingDown();
    return openaiChatCompletions(services, request, response, context, undefined);
  }
  if (method === "POST" && path === "/v1/messages") {
    if (!state.accepting) throw shuttingDown();
    return anthropicMessages(services, request, response, context);
  }
  if (method === "POST" && path === "/v1/messages/count_tokens") {
    if (!state.accepting) throw shuttingDown();
    return anthropicCountTokens(services, request, response, context);
  }
  if (method === "POST" && path === "/v1/embeddings") {
    if (!state.accepting) throw shuttingDown();
    return openaiEmbeddings(services, request, response, context, undefined);
  }
  if (path.startsWith("/openai/")) {
    // Azure OpenAI's URL shapes, so an Azure client can point its endpoint at the gateway.
    const azure = matchAzurePath(path);
    if (azure !== undefined && method === "POST") {
      if (!state.accepting) throw shuttingDown();
      return azure.operation === "chat"
        ? openaiChatCompletions(services, request, response, context, azure.deployment)
        : openaiEmbeddings(services, request, response, context, azure.deployment);
    }
    if (method === "GET" && path === "/openai/v1/models") {
      return openaiListModels(services, request, response, context);
    }
  }
  if (method === "GET" && path === "/v1/models")
    return openaiListModels(services, request, response, context);
  if (method === "GET" && path.startsWith("/v1/models/") && path.length > 11) {
    // An id that is not valid percent-encoding names no model: it goes on as sent and gets the 404.
    const id = path.slice(11);
    let model = id;
    try {
      model = decodeURIComponent(id);
    } catch {
      // keep `id`
    }
    return openaiRetrieveModel(services, request, response, context, model);
  }
  if (method === "POST" && path === "/admin/plan") {
    return adminPlan(
      services,
      request,
      response,
      context,
      new URLSearchParams(query === -1 ? "" : url.slice(query + 1)),
    );
  }
  if (method === "GET" && path === "/healthz")
    return sendJson(response, 200, { status: "ok" }, context.headers);
  if (method === "GET" && path === "/readyz") {
    return state.accepting
      ? sendJson(response, 200, { status: "ready" }, context.headers)
      : sendJson(response, 503, { status: "shutting_down" }, context.headers);
  }

  const allowed = knownPaths.get(path) ?? (path.startsWith("/v1/models/") ? "GET" : undefined);
  if (allowed !== undefined) {
    context.headers.push("allow", allowed);
    throw new GatewayError("method_not_allowed", `${method} is not allowed on ${path}; use ${allowed}.`);
  }
  throw new GatewayError("route_not_found", `Unknown request URL: ${method} ${path}.`);
}

function pathOf(url: string | undefined): string {
  const query = url === undefined ? -1 : url.indexOf("?");
  return url === undefined ? "/" : query === -1 ? url : url.slice(0, query);
}

function shuttingDown(): GatewayError {
  return new GatewayError("shutting_down", "The gateway is shutting down; retry on another instance.");
}
