import type { ChatResult } from "../../core/chat-result.js";
import { encodeUsage, type OpenAIUsage } from "./usage.js";

export interface ChatResponseContext {
  readonly id: string;
  readonly model: string;
  readonly created: number;
}

interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAIChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: {
        role: "assistant";
        content: string | null;
        refusal: string | null;
        tool_calls?: OpenAIToolCall[];
        /** Visible reasoning from upstreams that return it (the DeepSeek/vLLM field name). */
        reasoning_content?: string;
        annotations: [];
      };
      logprobs: null;
      finish_reason: ChatResult["finishReason"];
    },
  ];
  usage?: OpenAIUsage;
}

/**
 * Canonical result → an OpenAI `chat.completion`. The upstream's id, model and creation time win
 * over the context's when it gave them. `content` is null when the answer is only tool calls.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function encodeChatResponse(result: ChatResult, context: ChatResponseContext): OpenAIChatCompletion {
  const hasCalls = result.toolCalls.length > 0;
  const content = result.text === null || (result.text === "" && hasCalls) ? null : result.text;
  const message: OpenAIChatCompletion["choices"][0]["message"] = {
    role: "assistant",
    content,
    refusal: result.refusal ?? null,
    annotations: [],
  };
  if (hasCalls) {
    message.tool_calls = result.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  if (result.reasoning !== undefined) message.reasoning_content = result.reasoning;
  const completion: OpenAIChatCompletion = {
    id: result.id ?? context.id,
    object: "chat.completion",
    created: result.created ?? context.created,
    model: result.model ?? context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: result.finishReason }],
  };
  if (result.usage !== undefined) completion.usage = encodeUsage(result.usage);
  return completion;
}
