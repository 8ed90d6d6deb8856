import type { IncomingMessage, ServerResponse } from "node:http";
import type { Endpoint, IngressFormat } from "../core/request-report.js";
import { Cancellation } from "../engine/cancellation.js";
import { ClientAbortedError } from "../engine/upstream-failure.js";
import { GatewayError, normalizeError } from "../errors/gateway-error.js";
import type { GatewayServices } from "../gateway/compose.js";
import { finishRequest } from "../gateway/finish.js";
import { authenticate } from "../gateway/pipeline.js";
import { RequestTrace } from "../gateway/request-trace.js";
import { sendAnthropicError, sendJson, sendOpenAIError } from "./respond.js";
import { anthropicCountTokens, anthropicMessages, isAnthropicPath } from "./routes/anthropic-messages.js";
import { matchAzurePath } from "./azure-paths.js";
import { adminPlan } from "./routes/admin-plan.js";
import { adminReport } from "./routes/admin-reports.js";
import { adminDirectory, directoryOperation } from "./routes/admin-directory.js";
import type { RequestContext } from "./routes/context.js";
import { metricsRoute } from "./routes/metrics.js";
import { openaiListModels, openaiRetrieveModel } from "./routes/models.js";
import { openaiChatCompletions } from "./routes/openai-chat.js";
import { openaiEmbeddings } from "./routes/openai-embeddings.js";
import {
  openaiResponsesCreate,
  openaiResponsesDelete,
  openaiResponsesRetrieve,
} from "./routes/openai-responses.js";

export interface RouterState {
  /** False once shutdown has begun: readiness fails, new work is refused. */
  accepting: boolean;
  /** True once the shutdown grace ran out and the remaining connections are being cut. */
  cutting: boolean;
}

/** Known paths and the methods they answer, for telling 404 from 405. */
const knownPaths = new Map<string, string>([
  ["/v1/chat/completions", "POST"],
  ["/v1/embeddings", "POST"],
  ["/v1/responses", "POST"],
  ["/v1/models", "GET"],
  ["/healthz", "GET"],
  ["/readyz", "GET"],
  ["/metrics", "GET"],
  ["/v1/messages", "POST"],
  ["/v1/messages/count_tokens", "POST"],
  ["/admin/plan", "POST"],
]);

type Handler = (
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  state: RouterState,
) => Promise<void> | void;

/** A matched route: what it is called in reports, whether it needs a key, whether it is new work. */
interface RouteMatch {
  readonly endpoint: Endpoint;
  /** Needs a key: the router authenticates it before the handler runs. */
  readonly keyed: boolean;
  /** Work a draining gateway refuses (health and listings still answer). */
  readonly work: boolean;
  readonly handle: Handler;
}

const route = (endpoint: Endpoint, keyed: boolean, work: boolean, handle: Handler): RouteMatch => ({
  endpoint,
  keyed,
  work,
  handle,
});

const chatCompletions = route("chat.completions", true, true, (services, request, response, context) =>
  openaiChatCompletions(services, request, response, context, undefined),
);
const messages = route("messages", true, true, (services, request, response, context) =>
  anthropicMessages(services, request, response, context),
);
const countTokens = route("messages.count_tokens", true, true, (services, request, response, context) =>
  anthropicCountTokens(services, request, response, context),
);
const embeddings = route("embeddings", true, true, (services, request, response, context) =>
  openaiEmbeddings(services, request, response, context, undefined),
);
const responses = route("responses", true, true, (services, request, response, context) =>
  openaiResponsesCreate(services, request, response, context),
);
const listModels = route("models", true, false, (services, request, response, context) =>
  openaiListModels(services, request, response, context),
);
const healthz = route("health", false, false, (_services, _request, response, context) =>
  sendJson(response, 200, { status: "ok" }, context.headers),
);
const metrics = route("metrics", false, false, (services, _request, response, context) =>
  metricsRoute(services, response, context),
);
const readyz = route("health", false, false, (_services, _request, response, context, state) =>
  state.accepting
    ? sendJson(response, 200, { status: "ready" }, context.headers)
    : sendJson(response, 503, { status: "shutting_down" }, context.headers),
);

/** Exact `METHOD path` → route; the few parameterised paths are matched after. */
const exactRoutes = new Map<string, RouteMatch>([
  ["POST /v1/chat/completions", chatCompletions],
  ["POST /v1/messages", messages],
  ["POST /v1/messages/count_tokens", countTokens],
  ["POST /v1/embeddings", embeddings],
  ["POST /v1/responses", responses],
  ["GET /v1/models", listModels],
  ["GET /openai/v1/models", listModels],
  ["GET /healthz", healthz],
  ["GET /readyz", readyz],
  ["GET /metrics", metrics],
]);

/**
 * The gateway's request handler on plain `node:http`: one table, no framework, because every
 * microsecond here is paid by every request (see bench/RESULTS.md). Each request gets a trace that the
 * pipeline fills in, and one report at its finish point, the response's `close`, however it ended.
 */
export function createRequestHandler(
  services: GatewayServices,
  state: RouterState,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const requestId = services.nextRequestId();
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const method = request.method ?? "GET";
    const ingress = ingressOf(path);
    const trace = new RequestTrace(requestId, services.clock(), services.now(), ingress, "other");
    const cancellation = new Cancellation();
    const context: RequestContext = {
      requestId,
      cancellation,
      attempts: [],
      headers: ["x-request-id", requestId],
      requestHeaders: request.headers,
      trace,
      key: undefined,
    };
    if (ingress === "anthropic") context.headers.push("request-id", requestId);
    response.on("close", () => {
      if (!response.writableFinished) cancellation.cancel();
      // Still running when the shutdown grace ran out: cut, or ended with a `shutting_down` event.
      if (state.cutting) trace.cutByShutdown = true;
      finishRequest(services.reports, trace, context.attempts, response, services.now());
    });

    const fail = (error: unknown): void => {
      if (error instanceof ClientAbortedError || response.destroyed) return;
      const failure = normalizeError(error);
      trace.error = failure;
      if (failure.code === "internal_error")
        services.logger.error({ err: error, requestId }, "request failed");
      if (context.attempts.length > 0)
        context.headers.push("x-switchyard-attempts", String(context.attempts.length));
      // Anthropic clients read errors under /v1/messages in Anthropic's envelope, whatever failed.
      if (ingress === "anthropic") sendAnthropicError(response, failure, context.headers, requestId);
      else sendOpenAIError(response, failure, context.headers);
    };
    // Not an async function: wrapping the routes' own promises would cost microtasks.
    try {
      const match = matchRoute(method, path, url, query);
      trace.endpoint = match.endpoint;
      if (match.work && !state.accepting) throw shuttingDown();
      if (match.keyed) {
        const authenticated = authenticate(services, context);
        if (authenticated instanceof Promise) {
          authenticated.then(() => match.handle(services, request, response, context, state)).catch(fail);
          return;
        }
      }
      match.handle(services, request, response, context, state)?.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

function matchRoute(method: string, path: string, url: string, query: number): RouteMatch {
  const exact = exactRoutes.get(`${method} ${path}`);
  if (exact !== undefined) return exact;
  if (method === "POST" && path.startsWith("/openai/")) {
    // Azure OpenAI's URL shapes, so an Azure client can point its endpoint at the gateway.
    const azure = matchAzurePath(path);
    if (azure !== undefined) {
      return azure.operation === "chat"
        ? route("chat.completions", true, true, (services, request, response, context) =>
            openaiChatCompletions(services, request, response, context, azure.deployment),
          )
        : route("embeddings", true, true, (services, request, response, context) =>
            openaiEmbeddings(services, request, response, context, azure.deployment),
          );
    }
  }
  if (method === "GET" && path.startsWith("/v1/models/") && path.length > 11) {
    // An id that is not valid percent-encoding names no model: it goes on as sent and gets the 404.
    const id = path.slice(11);
    let model = id;
    try {
      model = decodeURIComponent(id);
    } catch {
      // keep `id`
    }
    return route("models", true, false, (services, request, response, context) =>
      openaiRetrieveModel(services, request, response, context, model),
    );
  }
  if (path.startsWith("/v1/responses/") && path.length > 14 && path.indexOf("/", 14) === -1) {
    const id = decodePathSegment(path.slice(14));
    if (method === "GET")
      return route("responses", true, false, (services, _request, response, context) =>
        openaiResponsesRetrieve(services, response, context, id),
      );
    if (method === "DELETE")
      return route("responses", true, false, (services, _request, response, context) =>
        openaiResponsesDelete(services, response, context, id),
      );
    return methodNotAllowed(method, path, "GET, DELETE");
  }
  if (method === "POST" && path === "/admin/plan") {
    const search = new URLSearchParams(query === -1 ? "" : url.slice(query + 1));
    return route("admin", true, false, (services, request, response, context) =>
      adminPlan(services, request, response, context, search),
    );
  }
  if (method === "GET" && path.startsWith("/admin/reports/") && path.length > 15) {
    const kind = path.slice(15);
    const search = new URLSearchParams(query === -1 ? "" : url.slice(query + 1));
    return route("admin", true, false, (services, _request, response, context) =>
      adminReport(services, response, context, kind, search),
    );
  }
  if (path.startsWith("/admin/keys") || path.startsWith("/admin/tenants")) {
    const operation = directoryOperation(method, path);
    if (operation === "method") return methodNotAllowed(method, path, allowedDirectoryMethods(path));
    if (operation !== undefined) {
      const search = new URLSearchParams(query === -1 ? "" : url.slice(query + 1));
      return route("admin", true, false, (services, request, response, context) =>
        adminDirectory(services, request, response, context, operation, search),
      );
    }
  }
  const allowed = knownPaths.get(path) ?? (path.startsWith("/v1/models/") ? "GET" : undefined);
  if (allowed !== undefined) return methodNotAllowed(method, path, allowed);
  throw new GatewayError("route_not_found", `Unknown request URL: ${method} ${path}.`);
}

/** What a path under `/admin/keys` or `/admin/tenants` answers to, for the `Allow` header. */
function allowedDirectoryMethods(path: string): string {
  const depth = path.split("/").length - 2;
  if (depth === 1) return "GET, POST";
  if (depth === 3) return "POST";
  return path.startsWith("/admin/keys") ? "GET, DELETE" : "GET, PATCH";
}

function methodNotAllowed(method: string, path: string, allowed: string): RouteMatch {
  return route("other", false, false, (_services, _request, _response, context) => {
    context.headers.push("allow", allowed);
    throw new GatewayError("method_not_allowed", `${method} is not allowed on ${path}; use ${allowed}.`);
  });
}

/** A path segment, percent-decoded; one that is not valid percent-encoding goes on as sent. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The dialect a path's answers and errors use. */
function ingressOf(path: string): IngressFormat {
  if (isAnthropicPath(path)) return "anthropic";
  return path.startsWith("/openai/") ? "azure" : "openai";
}

function shuttingDown(): GatewayError {
  return new GatewayError("shutting_down", "The gateway is shutting down; retry on another instance.");
}
