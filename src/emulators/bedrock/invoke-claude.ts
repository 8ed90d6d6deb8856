import { isRecord } from "../chat-request.js";
import { parseMessagesRequest } from "../anthropic/messages-request.js";
import { claudeReply, type ClaudeEmulation } from "../anthropic/messages-handler.js";
import { messageBody, messageEvents, type MessagesReply } from "../anthropic/messages-wire.js";
import { validation, type AwsError } from "./aws-errors.js";
import type { ConverseStreamEvent } from "./converse-reply.js";

/** Whether InvokeModel on this id is Claude's Messages API (a base id or a cross-region inference profile). */
export function isClaudeModelId(modelId: string): boolean {
  return /(^|[.:/])anthropic\.claude/.test(modelId);
}

const VERSION = "bedrock-2023-05-31";

/** The top-level keys Bedrock takes in Claude's body; any other is refused, as Bedrock does. */
const KEYS = new Set([
  "anthropic_version",
  "anthropic_beta",
  "max_tokens",
  "system",
  "messages",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
]);

/**
 * The beta flags the emulated Bedrock knows; another is refused (`invalid beta flag`), as Bedrock refuses
 * flags it does not take. Written here from AWS's Claude parameter page, not shared with the gateway's table.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 */
const BETA_FLAGS = new Set([
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "computer-use-2025-11-24",
  "token-efficient-tools-2025-02-19",
  "output-128k-2025-02-19",
  "interleaved-thinking-2025-05-14",
  "fine-grained-tool-streaming-2025-05-14",
  "context-1m-2025-08-07",
  "tool-search-tool-2025-10-19",
]);

export interface InvokeClaudeCall {
  readonly reply: MessagesReply;
}

const malformed = (detail: string): AwsError =>
  validation(`Malformed input request: #: ${detail}, please reformat your input and try again.`);

/**
 * Validates Claude's InvokeModel body as Bedrock does — `anthropic_version: "bedrock-2023-05-31"`
 * required, no `model` (the model is in the path) nor `stream` (the operation decides), no key outside
 * the documented ones, known beta flags only — then the Messages checks of the Anthropic emulator, and
 * answers with the shared deterministic reply.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 */
export function invokeClaude(
  modelId: string,
  body: unknown,
  seed: string,
  claude: ClaudeEmulation,
): { ok: true; call: InvokeClaudeCall } | { ok: false; error: AwsError } {
  if (!isRecord(body)) return { ok: false, error: malformed("expected type: JSONObject") };
  for (const key of Object.keys(body)) {
    if (!KEYS.has(key)) return { ok: false, error: malformed(`extraneous key [${key}] is not permitted`) };
  }
  const version = body["anthropic_version"];
  if (version === undefined)
    return { ok: false, error: malformed("required key [anthropic_version] not found") };
  if (version !== VERSION) return { ok: false, error: validation("Invalid API version") };
  const betas = body["anthropic_beta"];
  if (betas !== undefined) {
    if (!Array.isArray(betas) || !betas.every((flag) => typeof flag === "string"))
      return { ok: false, error: malformed("anthropic_beta: expected type: JSONArray of strings") };
    const unknown = betas.find((flag) => !BETA_FLAGS.has(flag));
    if (unknown !== undefined) return { ok: false, error: validation(`invalid beta flag: ${unknown}`) };
  }
  const { anthropic_version: _version, anthropic_beta: _betas, ...messages } = body;
  // The Anthropic emulator's checks, with the path's model standing in for the body's.
  const parsed = parseMessagesRequest({ ...messages, model: modelId }, { vertex: false, countOnly: false });
  if (!parsed.ok) return { ok: false, error: validation(parsed.message) };
  // Claude's own answer, thinking and prompt cache included, as on Anthropic and Vertex.
  const answered = claudeReply(messages, parsed.request, claude, { seed, model: modelId, vertex: false });
  if (!answered.ok) return { ok: false, error: validation(answered.message) };
  const reply = answered.reply;
  return { ok: true, call: { reply: { ...reply, id: reply.id.replace(/^msg_/, "msg_bdrk_") } } };
}

/** The non-streamed answer: Anthropic's `message` as is. */
export function invokeClaudeBody(call: InvokeClaudeCall): unknown {
  return messageBody(call.reply);
}

/**
 * The streamed answer: one `chunk` event per Anthropic event, its JSON base64-encoded in `bytes`; the
 * `message_stop` chunk carries Bedrock's `amazon-bedrock-invocationMetrics`. `ping` is Anthropic's
 * keep-alive on SSE and is not sent by Bedrock.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 */
export function invokeClaudeStreamEvents(call: InvokeClaudeCall, latencyMs: number): ConverseStreamEvent[] {
  const { reply } = call;
  return messageEvents(reply)
    .filter((event) => event.event !== "ping")
    .map((event) => {
      const data =
        event.event === "message_stop"
          ? {
              ...(event.data as Record<string, unknown>),
              "amazon-bedrock-invocationMetrics": {
                inputTokenCount: reply.inputTokens,
                outputTokenCount: reply.outputTokens,
                invocationLatency: latencyMs,
                firstByteLatency: latencyMs,
              },
            }
          : event.data;
      return {
        eventType: "chunk",
        payload: { bytes: Buffer.from(JSON.stringify(data), "utf8").toString("base64") },
        tokens: event.tokens,
      };
    });
}
