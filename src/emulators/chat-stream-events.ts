import type { ChatReply } from "./chat-reply.js";
import { AZURE_CONTENT_FILTER, AZURE_PROMPT_FILTER, type CompletionMeta, usageObject } from "./chat-wire.js";
import { base62 } from "./hashing.js";
import { countTextTokens, splitIntoTokenPieces } from "./tokens.js";

/** One SSE `data:` payload and how many completion tokens it carries (for pacing). */
export interface StreamEvent {
  /** The SSE `event:` name, for APIs that name their events (the Responses API); none on chat chunks. */
  event?: string;
  data: unknown;
  tokens: number;
  /** `head`: preamble and role chunk; `delta`: generated content; `tail`: finish and usage. */
  phase: "head" | "delta" | "tail";
}

export interface StreamOptions {
  includeUsage: boolean;
  includeObfuscation: boolean;
}

/**
 * The chunk sequence of a streamed completion, `[DONE]` excluded: (Azure prompt-filter
 * preamble), role chunk, content or tool-call chunks, finish chunk, optional usage chunk.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function streamEvents(meta: CompletionMeta, reply: ChatReply, options: StreamOptions): StreamEvent[] {
  const events: StreamEvent[] = [];
  let sequence = 0;
  const chunk = (phase: StreamEvent["phase"], choices: unknown[], tokens: number, usage?: unknown) => {
    events.push({ data: chunkBody(meta, options, sequence, choices, usage), tokens, phase });
    sequence += 1;
  };
  const choice = (delta: unknown, finishReason: string | null, filtered = false) =>
    meta.kind === "azure"
      ? {
          content_filter_results: filtered ? AZURE_CONTENT_FILTER : {},
          delta,
          finish_reason: finishReason,
          index: 0,
          logprobs: null,
        }
      : { index: 0, delta, logprobs: null, finish_reason: finishReason };

  if (meta.kind === "azure") {
    events.push({
      data: {
        choices: [],
        created: 0,
        id: "",
        model: "",
        object: "",
        prompt_filter_results: AZURE_PROMPT_FILTER,
      },
      tokens: 0,
      phase: "head",
    });
  }
  if (reply.toolCalls.length > 0) {
    chunk("head", [choice({ role: "assistant", content: null }, null)], 0);
    reply.toolCalls.forEach((call, index) => {
      const opening = {
        index,
        id: meta.toolCallIds[index] ?? "",
        type: "function",
        function: { name: call.name, arguments: "" },
      };
      chunk("delta", [choice({ tool_calls: [opening] }, null)], countTextTokens(call.name));
      for (const piece of splitIntoTokenPieces(call.arguments)) {
        chunk(
          "delta",
          [choice({ tool_calls: [{ index, function: { arguments: piece.text } }] }, null)],
          piece.tokens,
        );
      }
    });
  } else {
    const role =
      meta.kind === "openai-compatible"
        ? { role: "assistant", content: "" }
        : { role: "assistant", content: "", refusal: null };
    chunk("head", [choice(role, null)], 0);
    for (const piece of splitIntoTokenPieces(reply.content ?? "")) {
      chunk("delta", [choice({ content: piece.text }, null, true)], piece.tokens);
    }
  }
  chunk("tail", [choice({}, reply.finishReason)], 0);
  if (options.includeUsage)
    chunk("tail", [], 0, usageObject(meta.kind, reply.promptTokens, reply.completionTokens));
  return events;
}

function chunkBody(
  meta: CompletionMeta,
  options: StreamOptions,
  sequence: number,
  choices: unknown[],
  usage: unknown,
) {
  // With include_usage, every chunk but the last carries `usage: null`; without it, no usage key.
  const usageField = options.includeUsage ? { usage: usage ?? null } : {};
  // Real OpenAI pads chunks with a random string; here it is derived from the id and position.
  const obfuscation =
    options.includeObfuscation && meta.kind !== "openai-compatible"
      ? { obfuscation: base62(`${meta.id}:${sequence}`, 2 + (sequence % 12)) }
      : {};
  if (meta.kind === "azure") {
    return {
      choices,
      created: meta.created,
      id: meta.id,
      model: meta.model,
      ...obfuscation,
      object: "chat.completion.chunk",
      system_fingerprint: meta.systemFingerprint,
      ...usageField,
    };
  }
  return {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    ...(meta.kind === "openai"
      ? { service_tier: "default", system_fingerprint: meta.systemFingerprint }
      : {}),
    choices,
    ...usageField,
    ...obfuscation,
  };
}
