import type { ServerResponse } from "node:http";
import type { KeyConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";
import type { ChatRequest } from "../core/chat-request.js";
import type { ChatResult } from "../core/chat-result.js";
import type { EmbeddingsRequest, EmbeddingsResult } from "../core/embeddings.js";
import type { Plan } from "../routing/plan.js";
import { sendJson } from "../http/respond.js";
import { addRouteHeaders } from "../http/route-headers.js";
import type { RequestContext } from "../http/routes/context.js";
import { SseSink, type SseEncoder } from "../http/sse-sink.js";
import type { GatewayServices } from "./compose.js";
import {
  planChat,
  planFor,
  requiredCapabilities,
  resolveModel,
  type CapabilityFields,
} from "./plan-steps.js";
import { tracedSink, type RequestTrace } from "./request-trace.js";
import { affinityKeyOf } from "../routing/affinity.js";
import { countPromptTokens, loadTokenizer, tokenizerReady } from "../routing/prompt-tokens.js";

/*
 * The request pipeline: authenticate → admit → resolve → plan → execute → report, written once for
 * every route. Routes only parse their dialect's body and say how to encode the answer; the report
 * is published by the router's finish point (finish.ts) from what these steps put on the trace.
 */

/**
 * Authenticates the request's key (the router calls this once, before any route that needs a key).
 * A promise only for a key the gateway does not know yet, while the store is asked once more.
 */
export function authenticate(
  services: GatewayServices,
  context: RequestContext,
): KeyConfig | Promise<KeyConfig> {
  const found = services.directory.authenticate(context.requestHeaders);
  const use = (key: KeyConfig): KeyConfig => {
    context.key = key;
    context.trace.key = key;
    return key;
  };
  return found instanceof Promise ? found.then(use) : use(found);
}

/** The key the router authenticated; a route that needs one is never reached without it. */
export function requireKey(context: RequestContext): KeyConfig {
  const key = context.key;
  if (key === undefined) throw new Error(`route ${context.trace.endpoint} reached without a key`);
  return key;
}

/** The authenticated key, which must be an admin key (403 otherwise). */
export function requireAdminKey(context: RequestContext): KeyConfig {
  const key = requireKey(context);
  if (!key.admin)
    throw new GatewayError("permission_denied", `The key "${key.name}" may not use the admin endpoints.`);
  return key;
}

/** How one client dialect shapes a chat answer: its field names, its response body, its events. */
export interface ChatIngress {
  readonly fields: CapabilityFields;
  encodeResponse(result: ChatResult, chat: ChatRequest, context: RequestContext): unknown;
  createStreamEncoder(chat: ChatRequest, context: RequestContext): SseEncoder;
}

/** A chat request in any dialect, from its parsed canonical form to the answer on the socket. */
export async function serveChat(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
  chat: ChatRequest,
  ingress: ChatIngress,
): Promise<void> {
  const key = requireKey(context);
  const trace = context.trace;
  trace.model = chat.model;
  trace.stream = chat.stream;
  trace.chat = chat;
  // What the request needs from an offering, each with the field that needs it: checked against the
  // model, planned on, and recorded in the report (the what-if report re-prices on it).
  const needs = requiredCapabilities(chat, ingress.fields);
  trace.capabilities = ["chat", ...needs.map(([capability]) => capability)];
  const planned = planChat(services, key, context.requestHeaders, chat, needs);
  // A promise only while the tokenizer loads for the first request that needs it.
  let plan = planned instanceof Promise ? await planned : planned;
  const affinity = services.affinity;
  if (affinity !== undefined) {
    trace.affinity = affinityKeyOf(key.tenant, chat);
    if (trace.affinity !== undefined) plan = affinity.apply(plan, trace.affinity, plan.at);
  }
  const admitted = admit(services, context, key, plan, chat.maxOutputTokens, () => promptTokensOf(chat));
  if (admitted !== undefined) await admitted;

  const attempts = context.attempts;
  if (!chat.stream) {
    const { result, route } = await services.executor.chat(chat, plan, context.cancellation, attempts);
    trace.route = route;
    trace.usage = result.usage;
    rememberAffinity(services, trace);
    const headers = addRouteHeaders(context.headers, route, attempts.length);
    sendJson(response, 200, ingress.encodeResponse(result, chat, context), headers);
    return;
  }
  const encoder = ingress.createStreamEncoder(chat, context);
  const sink = new SseSink(response, attempts, context.headers, encoder);
  await services.executor.chatStream(
    chat,
    plan,
    context.cancellation,
    attempts,
    tracedSink(sink, trace, services.now),
  );
  if (!trace.streamFailed) rememberAffinity(services, trace);
}

/** The offering that answered serves the conversation's next turn while its prompt cache is warm. */
function rememberAffinity(services: GatewayServices, trace: RequestTrace): void {
  const route = trace.route;
  if (trace.affinity === undefined || route === undefined) return;
  services.affinity?.remember(
    trace.affinity,
    route.candidate.offering.id,
    route.candidate.provider.id,
    services.clock(),
  );
}

/** An embeddings request: resolve, plan, admit, execute, answer. */
export async function serveEmbeddings(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
  embeddings: EmbeddingsRequest,
  encode: (result: EmbeddingsResult, request: EmbeddingsRequest) => unknown,
): Promise<void> {
  const key = requireKey(context);
  const trace = context.trace;
  trace.model = embeddings.model;
  trace.capabilities = ["embeddings"];
  resolveModel(services, key, embeddings.model, "embeddings");
  const planned = planFor(services, key, context.requestHeaders, {
    model: embeddings.model,
    capabilities: ["embeddings"],
  });
  const plan = planned instanceof Promise ? await planned : planned;
  const admitted = admit(services, context, key, plan, undefined, () => embeddingTokensOf(embeddings));
  if (admitted !== undefined) await admitted;
  const attempts = context.attempts;
  const { result, route } = await services.executor.embeddings(
    embeddings,
    plan,
    context.cancellation,
    attempts,
  );
  trace.route = route;
  trace.usage = { inputTokens: result.inputTokens, outputTokens: 0, totalTokens: result.inputTokens };
  const headers = addRouteHeaders(context.headers, route, attempts.length);
  sendJson(response, 200, encode(result, embeddings), headers);
}

/**
 * The admit step: governance may refuse (it throws) or add headers. Synchronous unless the
 * admission must wait on a shared store, so an open gateway pays no microtask for it.
 */
function admit(
  services: GatewayServices,
  context: RequestContext,
  key: KeyConfig,
  plan: Plan,
  maxOutputTokens: number | undefined,
  countPromptTokens: () => number | Promise<number>,
): Promise<void> | undefined {
  const verdict = services.admission.admit({
    requestId: context.requestId,
    key,
    plan,
    startedAt: context.trace.startedAt,
    countPromptTokens,
    maxOutputTokens,
  });
  if (verdict === undefined) return undefined;
  if (verdict instanceof Promise)
    return verdict.then((headers) => {
      if (headers !== undefined) context.headers.push(...headers);
    });
  context.headers.push(...verdict);
  return undefined;
}

/** The prompt's tokens by the gateway's tokenizer (loaded on first use). */
function promptTokensOf(chat: ChatRequest): number | Promise<number> {
  return tokenizerReady() ? countPromptTokens(chat) : loadTokenizer().then(() => countPromptTokens(chat));
}

/** Embedding inputs: token arrays count as they are, text at the tokenizer's rough four characters a token. */
function embeddingTokensOf(request: EmbeddingsRequest): number {
  let tokens = 0;
  for (const input of request.input)
    tokens += typeof input === "string" ? Math.ceil(input.length / 4) : input.length;
  return tokens;
}
