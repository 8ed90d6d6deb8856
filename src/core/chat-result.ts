import type { ReasoningPart, ToolCall } from "./chat-request.js";
import type { Usage } from "./usage.js";

/** Why generation stopped, in OpenAI's vocabulary (the most widely understood). */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** The canonical result of a non-streaming chat request. */
export interface ChatResult {
  /** The provider's response id, when it gave one. */
  readonly id?: string;
  /** The model the provider says answered (often a dated snapshot of the requested one). */
  readonly model?: string;
  readonly created?: number;
  readonly text: string | null;
  /** The reasoning text of every block, joined (what OpenAI-dialect clients can be shown). */
  readonly reasoning?: string;
  /**
   * The reasoning blocks in order, with their signatures and redacted blocks: what an Anthropic client
   * must replay in its next turn. Present when the upstream gave blocks (Anthropic, Bedrock Converse).
   */
  readonly reasoningBlocks?: readonly ReasoningPart[];
  readonly refusal?: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  /** The stop sequence that ended generation, when the provider says which (Anthropic, Bedrock). */
  readonly stopSequence?: string;
  readonly usage?: Usage;
}
