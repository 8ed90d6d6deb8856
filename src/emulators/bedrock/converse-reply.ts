import { planReply } from "../chat-reply.js";
import { base62, hash32 } from "../hashing.js";
import { splitIntoTokenPieces } from "../tokens.js";
import type { ConverseCall } from "./converse-request.js";

type Block = { kind: "text"; text: string } | { kind: "tool"; id: string; name: string; input: string };

/** What the emulated model answers, in Bedrock's terms, before it is put on the wire. */
export interface ConverseAnswer {
  blocks: Block[];
  stopReason: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";
  stopSequence: string | undefined;
  /** Every prompt token, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** Claude's reasoning before the answer, signed by the emulator (or redacted). */
  reasoning?: { text: string; signature: string } | { redacted: string };
  /** Prompt tokens read from and written to the cache (a part of `inputTokens`). */
  cacheRead?: number;
  cacheWrite?: number;
}

/** Decides the answer with the shared planner; tells a stop-sequence stop from a natural one. */
export function answerConverse(call: ConverseCall, seed: string): ConverseAnswer {
  const reply = planReply(call.chat);
  const blocks: Block[] = [];
  if (reply.content !== null && reply.content !== "") blocks.push({ kind: "text", text: reply.content });
  reply.toolCalls.forEach((planned, index) => {
    blocks.push({
      kind: "tool",
      id: `tooluse_${base62(`${seed}:tool:${index}`, 22)}`,
      name: planned.name,
      input: planned.arguments,
    });
  });
  let stopReason: ConverseAnswer["stopReason"] =
    reply.finishReason === "tool_calls"
      ? "tool_use"
      : reply.finishReason === "length"
        ? "max_tokens"
        : "end_turn";
  let stopSequence: string | undefined;
  if (reply.finishReason === "stop" && call.stopSequences.length > 0 && reply.content !== null) {
    const unstopped = planReply({ ...call.chat, stop: [] }).content ?? "";
    if (unstopped.length > reply.content.length) {
      stopSequence = call.stopSequences.find((stop) =>
        unstopped.startsWith(stop, reply.content?.length ?? 0),
      );
      if (stopSequence !== undefined) stopReason = "stop_sequence";
    }
  }
  return {
    blocks,
    stopReason,
    stopSequence,
    inputTokens: reply.promptTokens,
    outputTokens: reply.completionTokens,
  };
}

/** Bedrock's usage: `inputTokens` excludes cache reads and writes; the total counts everything. */
function usage(answer: ConverseAnswer) {
  const read = answer.cacheRead ?? 0;
  const write = answer.cacheWrite ?? 0;
  const wire: Record<string, number> = {
    inputTokens: answer.inputTokens - read - write,
    outputTokens: answer.outputTokens,
    totalTokens: answer.inputTokens + answer.outputTokens,
  };
  if (answer.cacheRead !== undefined || answer.cacheWrite !== undefined) {
    wire["cacheReadInputTokens"] = read;
    wire["cacheWriteInputTokens"] = write;
  }
  return wire;
}

function reasoningBlock(reasoning: NonNullable<ConverseAnswer["reasoning"]>): Record<string, unknown> {
  return "redacted" in reasoning
    ? { reasoningContent: { redactedContent: reasoning.redacted } }
    : { reasoningContent: { reasoningText: { signature: reasoning.signature, text: reasoning.text } } };
}

/** The Converse response body; `toolUse.input` is a JSON document, not text. */
export function converseBody(answer: ConverseAnswer, latencyMs: number): unknown {
  const body: Record<string, unknown> = {
    metrics: { latencyMs },
    output: {
      message: {
        content: [
          ...(answer.reasoning === undefined ? [] : [reasoningBlock(answer.reasoning)]),
          ...answer.blocks.map((block) =>
            block.kind === "text"
              ? { text: block.text }
              : {
                  toolUse: {
                    input: JSON.parse(block.input) as unknown,
                    name: block.name,
                    toolUseId: block.id,
                  },
                },
          ),
        ],
        role: "assistant",
      },
    },
    stopReason: answer.stopReason,
    usage: usage(answer),
  };
  if (answer.stopSequence !== undefined) {
    body["additionalModelResponseFields"] = { stop_sequence: answer.stopSequence };
  }
  return body;
}

/** One event of a ConverseStream answer; `tokens` > 0 marks generated content, for pacing. */
export interface ConverseStreamEvent {
  eventType: string;
  payload: Record<string, unknown>;
  tokens: number;
}

const PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Adds Bedrock's `p` padding (a prefix of the alphabet, its length varying per event — here by hash, so
 * answers stay deterministic) and writes keys in the alphabetical order real payloads show.
 */
export function padded(payload: Record<string, unknown>, seed: string): Record<string, unknown> {
  const withPadding: Record<string, unknown> = {
    ...payload,
    p: PADDING.slice(0, 1 + (hash32(seed) % PADDING.length)),
  };
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(withPadding).sort()) sorted[key] = withPadding[key];
  return sorted;
}

/**
 * The ConverseStream events: messageStart; per block its deltas (one per token; text blocks have no
 * contentBlockStart, tool blocks open with one) and contentBlockStop; messageStop; metadata (usage) last.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 */
export function converseStreamEvents(answer: ConverseAnswer, latencyMs: number): ConverseStreamEvent[] {
  const events: ConverseStreamEvent[] = [
    { eventType: "messageStart", payload: { role: "assistant" }, tokens: 0 },
  ];
  // Reasoning is block 0 when present: its text as deltas, then its signature (or redacted content whole).
  const offset = answer.reasoning === undefined ? 0 : 1;
  const reasoning = answer.reasoning;
  if (reasoning !== undefined && "redacted" in reasoning) {
    events.push({
      eventType: "contentBlockDelta",
      payload: { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: reasoning.redacted } } },
      tokens: 0,
    });
    events.push({ eventType: "contentBlockStop", payload: { contentBlockIndex: 0 }, tokens: 0 });
  } else if (reasoning !== undefined) {
    for (const piece of splitIntoTokenPieces(reasoning.text)) {
      events.push({
        eventType: "contentBlockDelta",
        payload: { contentBlockIndex: 0, delta: { reasoningContent: { text: piece.text } } },
        tokens: piece.tokens,
      });
    }
    events.push({
      eventType: "contentBlockDelta",
      payload: { contentBlockIndex: 0, delta: { reasoningContent: { signature: reasoning.signature } } },
      tokens: 0,
    });
    events.push({ eventType: "contentBlockStop", payload: { contentBlockIndex: 0 }, tokens: 0 });
  }
  answer.blocks.forEach((block, position) => {
    const contentBlockIndex = position + offset;
    if (block.kind === "tool") {
      events.push({
        eventType: "contentBlockStart",
        payload: { contentBlockIndex, start: { toolUse: { name: block.name, toolUseId: block.id } } },
        tokens: 0,
      });
    }
    const text = block.kind === "text" ? block.text : block.input;
    for (const piece of splitIntoTokenPieces(text)) {
      const delta = block.kind === "text" ? { text: piece.text } : { toolUse: { input: piece.text } };
      events.push({
        eventType: "contentBlockDelta",
        payload: { contentBlockIndex, delta },
        tokens: piece.tokens,
      });
    }
    events.push({ eventType: "contentBlockStop", payload: { contentBlockIndex }, tokens: 0 });
  });
  const stop: Record<string, unknown> = { stopReason: answer.stopReason };
  if (answer.stopSequence !== undefined) {
    stop["additionalModelResponseFields"] = { delta: { stop_sequence: answer.stopSequence } };
  }
  events.push({ eventType: "messageStop", payload: stop, tokens: 0 });
  events.push({
    eventType: "metadata",
    payload: { metrics: { latencyMs }, usage: usage(answer) },
    tokens: 0,
  });
  return events;
}
