import { planReply } from "./chat-reply.js";
import { parseChatRequest } from "./chat-request.js";
import { streamEvents } from "./chat-stream-events.js";
import { type CompletionMeta, completionBody } from "./chat-wire.js";
import type { Exchange } from "./exchange.js";
import type { Fault } from "./fault-controller.js";
import { base62, hex } from "./hashing.js";
import { sendJson, sleep } from "./http-io.js";
import { isMissingModel, isResponsesOnly, reportedModel } from "./models.js";
import { responseHeaders } from "./response-headers.js";
import { pacingDelays, writeStream } from "./stream-writer.js";
import { invalidRequest, modelNotFound, responsesOnlyModel } from "./wire-errors.js";

/** `POST …/chat/completions` once auth and injected faults are dealt with. */
export async function handleChat(exchange: Exchange, body: unknown, fault: Fault | undefined): Promise<void> {
  const parsed = parseChatRequest(body, exchange.deployment === undefined);
  if (!parsed.ok) return exchange.sendError(invalidRequest(parsed.error));
  const request = parsed.request;
  const model = exchange.deployment ?? request.model ?? "";
  if (isMissingModel(model)) return exchange.sendError(modelNotFound(exchange.kind, model));
  if (exchange.kind !== "openai-compatible" && isResponsesOnly(model))
    return exchange.sendError(responsesOnlyModel(exchange.kind, model));

  const reply = planReply(request);
  const seed = `${exchange.name}:${exchange.sequence}`;
  const meta: CompletionMeta = {
    kind: exchange.kind,
    id: `chatcmpl-${base62(seed, 29)}`,
    created: Math.floor(Date.now() / 1000),
    model: reportedModel(exchange.kind, model),
    systemFingerprint: exchange.kind === "openai-compatible" ? null : `fp_${hex(model, 10)}`,
    toolCallIds: reply.toolCalls.map((_, index) => `call_${base62(`${seed}:call:${index}`, 24)}`),
  };
  const headers = () =>
    responseHeaders({
      kind: exchange.kind,
      name: exchange.name,
      sequence: exchange.sequence,
      startedAt: exchange.startedAt,
      promptTokens: reply.promptTokens,
      deployment: exchange.deployment,
      rateLimited: false,
    });

  if (!request.stream) {
    const { firstMs, perTokenMs } = pacingDelays(exchange.pacing);
    if (!(await sleep(firstMs + reply.completionTokens * perTokenMs, exchange.signal))) return;
    return sendJson(exchange.response, 200, headers(), completionBody(meta, reply));
  }
  const events = streamEvents(meta, reply, {
    includeUsage: request.includeUsage,
    includeObfuscation: request.includeObfuscation,
  });
  await writeStream(exchange.response, events, {
    headers: headers(),
    pacing: exchange.pacing,
    cutAfterChunks: fault?.cut_after_chunks,
    errorAfterChunks: fault?.stream_error === true ? (fault.stream_error_after_chunks ?? 0) : undefined,
    signal: exchange.signal,
  });
}
