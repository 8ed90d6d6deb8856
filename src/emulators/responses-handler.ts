import { planReply } from "./chat-reply.js";
import type { Exchange } from "./exchange.js";
import type { Fault } from "./fault-controller.js";
import { base62, hex } from "./hashing.js";
import { sendJson, sleep } from "./http-io.js";
import { isMissingModel, reportedModel } from "./models.js";
import { responseHeaders } from "./response-headers.js";
import { parseResponsesRequest } from "./responses-request.js";
import {
  responseBody,
  responseErrorEvent,
  responseStreamEvents,
  type ResponseMeta,
} from "./responses-wire.js";
import { pacingDelays, writeStream } from "./stream-writer.js";
import { invalidRequest, modelNotFound } from "./wire-errors.js";

/**
 * `POST /v1/responses` (Azure: `/openai/v1/responses`) once auth and injected faults are dealt with:
 * the same reply as Chat Completions would give, in the Responses API's shapes.
 */
export async function handleResponses(
  exchange: Exchange,
  body: unknown,
  fault: Fault | undefined,
): Promise<void> {
  const parsed = parseResponsesRequest(body);
  if (!parsed.ok) return exchange.sendError(invalidRequest(parsed.error));
  const request = parsed.request;
  const model = request.chat.model ?? "";
  if (isMissingModel(model)) return exchange.sendError(modelNotFound(exchange.kind, model));

  const reply = planReply(request.chat);
  const seed = `${exchange.name}:${exchange.sequence}`;
  const meta: ResponseMeta = {
    id: `resp_${hex(`${seed}:response`, 48)}`,
    createdAt: Math.floor(Date.now() / 1000),
    model: reportedModel(exchange.kind, model),
    messageId: `msg_${hex(`${seed}:message`, 48)}`,
    calls: reply.toolCalls.map((_, index) => ({
      itemId: `fc_${hex(`${seed}:item:${index}`, 48)}`,
      callId: `call_${base62(`${seed}:call:${index}`, 24)}`,
    })),
  };
  const headers = responseHeaders({
    kind: exchange.kind,
    name: exchange.name,
    sequence: exchange.sequence,
    startedAt: exchange.startedAt,
    promptTokens: reply.promptTokens,
    deployment: exchange.deployment,
    rateLimited: false,
  });
  const status = reply.finishReason === "length" ? "incomplete" : "completed";
  if (!request.chat.stream) {
    const { firstMs, perTokenMs } = pacingDelays(exchange.pacing);
    if (!(await sleep(firstMs + reply.completionTokens * perTokenMs, exchange.signal))) return;
    return sendJson(exchange.response, 200, headers, responseBody(meta, request, reply, status));
  }
  await writeStream(exchange.response, responseStreamEvents(meta, request, reply), {
    headers,
    pacing: exchange.pacing,
    cutAfterChunks: fault?.cut_after_chunks,
    errorAfterChunks: fault?.stream_error === true ? (fault.stream_error_after_chunks ?? 0) : undefined,
    signal: exchange.signal,
    ending: { done: "", error: responseErrorEvent },
  });
}
