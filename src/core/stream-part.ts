import type { GatewayError } from "../errors/gateway-error.js";
import type { ReasoningIssuer } from "./chat-request.js";
import type { FinishReason } from "./chat-result.js";
import type { Usage } from "./usage.js";

/**
 * One increment of a streamed chat answer, decoded from any dialect.
 * Names are noun-then-verb. A well-formed stream ends with `finish` (and `usage` when known);
 * a stream that ends without `finish` was truncated.
 */
export type StreamPart =
  | ResponseMetadataPart
  | TextDeltaPart
  | ReasoningDeltaPart
  | ReasoningSignaturePart
  | ReasoningRedactedPart
  | RefusalDeltaPart
  | ToolCallStartPart
  | ToolCallDeltaPart
  | FinishPart
  | UsagePart
  | ErrorPart;

export interface ResponseMetadataPart {
  readonly type: "response-metadata";
  readonly id?: string;
  readonly model?: string;
  readonly created?: number;
  /**
   * The usage the upstream reported before any content (Anthropic's `message_start`, Gemini's first
   * chunk): its input side is final, its output a running count. Not the stream's usage: that is the
   * `usage` part at the end.
   */
  readonly usage?: Usage;
}

export interface TextDeltaPart {
  readonly type: "text-delta";
  readonly delta: string;
}

export interface ReasoningDeltaPart {
  readonly type: "reasoning-delta";
  readonly delta: string;
}

/**
 * The signature of the reasoning block streamed so far (Anthropic `signature_delta`, Converse
 * `reasoningContent.signature`): it closes that block, so the next `reasoning-delta` opens another.
 */
export interface ReasoningSignaturePart {
  readonly type: "reasoning-signature";
  readonly signature: string;
  readonly issuer: ReasoningIssuer;
}

/** A whole redacted reasoning block (Anthropic `redacted_thinking`, Converse `redactedContent`). */
export interface ReasoningRedactedPart {
  readonly type: "reasoning-redacted";
  readonly data: string;
  readonly issuer: ReasoningIssuer;
}

/**
 * Words of a refusal: the model declines, and says so in place of an answer (OpenAI's `delta.refusal`).
 * Kept apart from text so each client gets a refusal as its own API marks one.
 */
export interface RefusalDeltaPart {
  readonly type: "refusal-delta";
  readonly delta: string;
}

/** A tool call opens: `index` orders calls within the answer (0-based). */
export interface ToolCallStartPart {
  readonly type: "tool-call-start";
  readonly index: number;
  readonly id: string;
  readonly name: string;
}

export interface ToolCallDeltaPart {
  readonly type: "tool-call-delta";
  readonly index: number;
  readonly argumentsDelta: string;
}

export interface FinishPart {
  readonly type: "finish";
  readonly finishReason: FinishReason;
  /** The stop sequence that ended generation, when the provider says which. */
  readonly stopSequence?: string;
}

export interface UsagePart {
  readonly type: "usage";
  readonly usage: Usage;
}

/** An error reported inside an otherwise successful (HTTP 200) stream. */
export interface ErrorPart {
  readonly type: "error";
  readonly error: GatewayError;
}

/**
 * A stream decoder for one dialect: a small pure state machine. It receives parsed events
 * (never raw bytes) and returns the canonical parts each event yields.
 */
export interface StreamDecoder<Event> {
  push(event: Event): readonly StreamPart[];
  /** Called when the upstream stream ends; returns trailing parts or an error part for truncation. */
  end(): readonly StreamPart[];
}
