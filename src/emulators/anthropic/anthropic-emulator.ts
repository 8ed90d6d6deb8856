import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen } from "../listen.js";
import { isRecord } from "../chat-request.js";
import { handleControl } from "../control-routes.js";
import { FaultController } from "../fault-controller.js";
import { flatHeaders, parseJson, readBody, sendJson, sleep } from "../http-io.js";
import { isMissingModel } from "../models.js";
import { countPromptTokens } from "../tokens.js";
import type { Pacing, RunningEmulator } from "../types.js";
import type { WireError } from "../wire-errors.js";
import { createClaudeEmulation, handleAnthropicMessages, requestIdFor } from "./messages-handler.js";
import { parseMessagesRequest } from "./messages-request.js";
import { anthropicError, injectedAnthropicError } from "./messages-wire.js";

export interface AnthropicEmulatorOptions {
  /** The key clients must present in `x-api-key` (or as a Bearer token). */
  apiKey: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (ephemeral). */
  port?: number;
  /** `undefined` = answer at once. */
  pacing?: Pacing | undefined;
  /** Seeds ids and headers. Default `anthropic`. */
  name?: string;
  /** The secret thinking blocks are signed with (default: the one every emulated Claude shares). */
  thinkingSecret?: string;
}

/** Models `GET /v1/models` lists (any other id is served too, except `missing-*`). */
const LISTED = [
  { id: "claude-sonnet-4-6", display_name: "Claude Sonnet 4.6", created_at: "2026-02-17T00:00:00Z" },
  { id: "claude-sonnet-4-20250514", display_name: "Claude Sonnet 4", created_at: "2025-05-22T00:00:00Z" },
  { id: "claude-opus-4-1-20250805", display_name: "Claude Opus 4.1", created_at: "2025-08-05T00:00:00Z" },
  { id: "claude-3-5-haiku-20241022", display_name: "Claude Haiku 3.5", created_at: "2024-10-22T00:00:00Z" },
];

function modelObject(model: { id: string; display_name: string; created_at: string }) {
  return { type: "model", id: model.id, display_name: model.display_name, created_at: model.created_at };
}

/** `x-api-key`, or `Authorization: Bearer` (the OAuth form the SDK also sends). */
function presentedKey(request: IncomingMessage): string | undefined {
  const key = request.headers["x-api-key"];
  if (typeof key === "string" && key !== "") return key;
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  return match?.[1]?.trim();
}

/**
 * Anthropic's API on a real socket: `POST /v1/messages` (JSON and SSE), `POST /v1/messages/count_tokens`,
 * `GET /v1/models[/{id}]`, and the shared `/__emulator/*` fault and request-log controls.
 * @see https://docs.anthropic.com/en/api/messages
 */
export async function startAnthropicEmulator(options: AnthropicEmulatorOptions): Promise<RunningEmulator> {
  const { apiKey, pacing } = options;
  const name = options.name ?? "anthropic";
  const faults = new FaultController();
  const claude = createClaudeEmulation(
    options.thinkingSecret === undefined ? {} : { thinkingSecret: options.thinkingSecret },
  );
  let sequence = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator");
    if (url.pathname.startsWith("/__emulator/"))
      return handleControl(request, response, url.pathname, faults);
    const method = request.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "");
    sequence += 1;
    const current = sequence;
    const requestId = requestIdFor(name, current);
    const headers = { "request-id": requestId, "anthropic-organization-id": "emulator-organization" };
    const sendError = (error: WireError) =>
      sendJson(response, error.status, { ...headers, ...error.headers }, error.body);
    const controller = new AbortController();
    response.on("close", () => controller.abort());

    const key = presentedKey(request);
    const authorize = (): boolean => {
      if (key === apiKey) return true;
      const message = key === undefined ? "x-api-key header is required" : "invalid x-api-key";
      sendError(anthropicError(401, "authentication_error", message, requestId));
      return false;
    };
    const versioned = (): boolean => {
      const version = request.headers["anthropic-version"];
      if (typeof version === "string" && version !== "") return true;
      sendError(
        anthropicError(400, "invalid_request_error", "anthropic-version: header is required", requestId),
      );
      return false;
    };

    if (method === "GET" && (path === "/v1/models" || path.startsWith("/v1/models/"))) {
      if (!authorize()) return;
      if (path === "/v1/models") {
        const data = LISTED.map(modelObject);
        return sendJson(response, 200, headers, {
          data,
          has_more: false,
          first_id: data[0]?.id ?? null,
          last_id: data.at(-1)?.id ?? null,
        });
      }
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      if (isMissingModel(id))
        return sendError(anthropicError(404, "not_found_error", `model: ${id}`, requestId));
      const listed = LISTED.find((model) => model.id === id);
      return sendJson(
        response,
        200,
        headers,
        modelObject(listed ?? { id, display_name: id, created_at: "2025-01-01T00:00:00Z" }),
      );
    }
    const messages = method === "POST" && path === "/v1/messages";
    const counting = method === "POST" && path === "/v1/messages/count_tokens";
    if (!messages && !counting) {
      request.resume();
      return sendError(anthropicError(404, "not_found_error", "Not Found", requestId));
    }

    const body = await readBody(request);
    if (!body.ok) {
      if (body.reason === "too-large") {
        sendError(
          anthropicError(
            413,
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes.",
            requestId,
          ),
        );
      }
      return;
    }
    const json = parseJson(body.text);
    if (counting) {
      if (!authorize() || !versioned()) return;
      if (!json.ok)
        return sendError(anthropicError(400, "invalid_request_error", "invalid JSON body", requestId));
      const parsed = parseMessagesRequest(json.value, { vertex: false, countOnly: true });
      if (!parsed.ok)
        return sendError(anthropicError(400, "invalid_request_error", parsed.message, requestId));
      const chat = parsed.request.chat;
      return sendJson(response, 200, headers, {
        input_tokens: countPromptTokens(chat.messages, chat.rawTools),
      });
    }

    faults.record({
      body: json.ok ? json.value : body.text,
      path: `${url.pathname}${url.search}`,
      headers: flatHeaders(request),
    });
    if (!authorize() || !versioned()) return;
    const stream = json.ok && isRecord(json.value) && json.value["stream"] === true;
    const fault = faults.take({ operation: "chat", stream });
    if (fault?.latency_ms !== undefined && !(await sleep(fault.latency_ms, controller.signal))) return;
    if (fault?.reset === true) {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.status !== undefined)
      return sendError(injectedAnthropicError(fault.status, fault.retry_after_s, requestId));
    if (!json.ok) {
      return sendError(
        anthropicError(
          400,
          "invalid_request_error",
          "There was an issue with the request body: it is not valid JSON.",
          requestId,
        ),
      );
    }
    return handleAnthropicMessages(
      { name, sequence: current, pacing, response, signal: controller.signal, headers },
      json.value,
      { fault, claude },
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          {},
          { type: "error", error: { type: "api_error", message: "Emulator failure." } },
        );
      } else {
        response.destroy();
      }
    });
  });
  const { url, close } = await listen(server, options.host, options.port);
  return {
    kind: "anthropic",
    name,
    url,
    // The Anthropic SDK's `baseURL` is the origin: it adds `/v1/messages` itself.
    baseUrl: url,
    faults,
    close,
  };
}
