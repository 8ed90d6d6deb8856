import type { ChatReply } from "./chat-reply.js";
import type { EmulatorKind } from "./types.js";

/** Identity of one completion: the same on every chunk of a stream. */
export interface CompletionMeta {
  kind: EmulatorKind;
  id: string;
  created: number;
  model: string;
  systemFingerprint: string | null;
  toolCallIds: string[];
}

const SAFE = { filtered: false, severity: "safe" } as const;
const NOT_DETECTED = { filtered: false, detected: false } as const;

/** Azure's per-choice filter annotation on text; tool-call choices carry `{}`. */
export const AZURE_CONTENT_FILTER = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };

export const AZURE_PROMPT_FILTER = [
  {
    prompt_index: 0,
    content_filter_results: {
      hate: SAFE,
      jailbreak: NOT_DETECTED,
      self_harm: SAFE,
      sexual: SAFE,
      violence: SAFE,
    },
  },
];

/** Usage in the provider's field order (Azure serialises keys alphabetically). */
export function usageObject(kind: EmulatorKind, promptTokens: number, completionTokens: number) {
  const total = promptTokens + completionTokens;
  if (kind === "azure") {
    return {
      completion_tokens: completionTokens,
      completion_tokens_details: {
        accepted_prediction_tokens: 0,
        audio_tokens: 0,
        reasoning_tokens: 0,
        rejected_prediction_tokens: 0,
      },
      prompt_tokens: promptTokens,
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
      total_tokens: total,
    };
  }
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: total,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/**
 * Non-streaming `chat.completion` body.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function completionBody(meta: CompletionMeta, reply: ChatReply): unknown {
  const toolCalls = reply.toolCalls.map((call, index) => ({
    id: meta.toolCallIds[index] ?? "",
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  const usage = usageObject(meta.kind, reply.promptTokens, reply.completionTokens);
  if (meta.kind === "azure") {
    const message = {
      annotations: [],
      content: reply.content,
      refusal: null,
      role: "assistant",
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
    return {
      choices: [
        {
          content_filter_results:
            toolCalls.length > 0
              ? {}
              : {
                  ...AZURE_CONTENT_FILTER,
                  protected_material_code: NOT_DETECTED,
                  protected_material_text: NOT_DETECTED,
                },
          finish_reason: reply.finishReason,
          index: 0,
          logprobs: null,
          message,
        },
      ],
      created: meta.created,
      id: meta.id,
      model: meta.model,
      object: "chat.completion",
      prompt_filter_results: AZURE_PROMPT_FILTER,
      system_fingerprint: meta.systemFingerprint,
      usage,
    };
  }
  const message =
    meta.kind === "openai"
      ? {
          role: "assistant",
          content: reply.content,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        }
      : {
          role: "assistant",
          content: reply.content,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        };
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage,
    ...(meta.kind === "openai"
      ? { service_tier: "default", system_fingerprint: meta.systemFingerprint }
      : {}),
  };
}
