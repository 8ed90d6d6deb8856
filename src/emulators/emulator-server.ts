import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen } from "./listen.js";
import { handleChat } from "./chat-handler.js";
import { handleResponses } from "./responses-handler.js";
import { isRecord } from "./chat-request.js";
import { handleControl } from "./control-routes.js";
import { embeddingsBody, parseEmbeddingRequest } from "./embeddings.js";
import type { Exchange } from "./exchange.js";
import { FaultController } from "./fault-controller.js";
import { flatHeaders, parseJson, readBody, sendJson, sleep } from "./http-io.js";
import { isMissingModel, listedCreated, modelListBody, modelObject } from "./models.js";
import { matchRoute, presentedKey } from "./routes.js";
import { responseHeaders } from "./response-headers.js";
import type { EmulatorOptions, RunningEmulator } from "./types.js";
import { pacingDelays } from "./stream-writer.js";
import {
  bodyTooLarge,
  injectedError,
  invalidJson,
  invalidRequest,
  modelNotFound,
  routeNotFound,
  unauthorized as unauthorizedError,
  type WireError,
} from "./wire-errors.js";

/** Starts one emulator on a real socket. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const { kind, apiKey, pacing } = options;
  const name = options.name ?? kind;
  const faults = new FaultController();
  let sequence = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator");
    if (url.pathname.startsWith("/__emulator/"))
      return handleControl(request, response, url.pathname, faults);
    const method = request.method ?? "GET";
    const route = matchRoute(kind, method, url);
    const controller = new AbortController();
    response.on("close", () => controller.abort());
    sequence += 1;
    const exchange: Exchange = {
      kind,
      name,
      sequence,
      startedAt: Date.now(),
      pacing,
      deployment:
        route.operation === "chat" || route.operation === "embeddings" ? route.deployment : undefined,
      request,
      response,
      signal: controller.signal,
      sendError: (error: WireError) =>
        sendJson(
          response,
          error.status,
          { ...baseHeaders(error.status === 429), ...error.headers },
          error.body,
        ),
    };
    const baseHeaders = (rateLimited: boolean) =>
      responseHeaders({
        kind,
        name,
        sequence: exchange.sequence,
        startedAt: exchange.startedAt,
        promptTokens: 0,
        deployment: exchange.deployment,
        rateLimited,
      });
    const authorized = presentedKey(kind, request) === apiKey;

    switch (route.operation) {
      case "not-found":
        request.resume();
        return exchange.sendError(routeNotFound(kind, method, url.pathname));
      case "models":
        if (!authorized) return exchange.sendError(unauthorizedFor(request));
        return sendJson(response, 200, baseHeaders(false), modelListBody(kind, name));
      case "model":
        if (!authorized) return exchange.sendError(unauthorizedFor(request));
        if (isMissingModel(route.id)) return exchange.sendError(modelNotFound(kind, route.id));
        return sendJson(
          response,
          200,
          baseHeaders(false),
          modelObject(kind, name, route.id, listedCreated(route.id)),
        );
    }

    const body = await readBody(request);
    if (!body.ok) return body.reason === "too-large" ? exchange.sendError(bodyTooLarge()) : undefined;
    const json = parseJson(body.text);
    faults.record({
      body: json.ok ? json.value : body.text,
      path: `${url.pathname}${url.search}`,
      headers: flatHeaders(request),
    });
    if (!authorized) return exchange.sendError(unauthorizedFor(request));

    // A Responses request is a chat request to the fault controller: the same faults apply to both.
    const operation = route.operation === "embeddings" ? "embeddings" : "chat";
    const stream = operation === "chat" && json.ok && isRecord(json.value) && json.value["stream"] === true;
    const fault = faults.take({ operation, stream });
    if (fault?.latency_ms !== undefined && !(await sleep(fault.latency_ms, controller.signal))) return;
    if (fault?.reset === true) {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.status !== undefined) {
      const model =
        exchange.deployment ??
        (json.ok && isRecord(json.value) && typeof json.value["model"] === "string"
          ? json.value["model"]
          : "unknown");
      return exchange.sendError(injectedError(kind, fault.status, model, fault.retry_after_s));
    }
    if (!json.ok) return exchange.sendError(invalidJson());
    if (route.operation === "chat") return handleChat(exchange, json.value, fault);
    if (route.operation === "responses") return handleResponses(exchange, json.value, fault);
    return handleEmbeddings(exchange, json.value);
  }

  function unauthorizedFor(request: IncomingMessage): WireError {
    return unauthorizedError(kind, presentedKey(kind, request));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent)
        sendJson(
          response,
          500,
          {},
          { error: { message: "Emulator failure.", type: "server_error", param: null, code: null } },
        );
      else response.destroy();
    });
  });
  const { url, close } = await listen(server, options.host, options.port);
  return {
    kind,
    name,
    url,
    baseUrl: kind === "azure" ? url : `${url}/v1`,
    faults,
    close,
  };
}

async function handleEmbeddings(exchange: Exchange, body: unknown): Promise<void> {
  const parsed = parseEmbeddingRequest(body, exchange.deployment === undefined);
  if (!parsed.ok) return exchange.sendError(invalidRequest(parsed.error));
  const model = exchange.deployment ?? parsed.request.model ?? "";
  if (isMissingModel(model)) return exchange.sendError(modelNotFound(exchange.kind, model));
  const { firstMs } = pacingDelays(exchange.pacing);
  if (!(await sleep(firstMs, exchange.signal))) return;
  const headers = responseHeaders({
    kind: exchange.kind,
    name: exchange.name,
    sequence: exchange.sequence,
    startedAt: exchange.startedAt,
    promptTokens: 0,
    deployment: exchange.deployment,
    rateLimited: false,
  });
  sendJson(exchange.response, 200, headers, embeddingsBody(parsed.request, model));
}
