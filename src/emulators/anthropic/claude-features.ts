import { isRecord } from "../chat-request.js";
import type { ThinkingSigner } from "../claude-thinking.js";
import { FIVE_MINUTES_MS, ONE_HOUR_MS, type PromptSegment } from "../prompt-cache.js";

/**
 * Extended thinking and prompt caching as Claude's Messages API has them, read from a body that
 * `parseMessagesRequest` has already validated. Written apart from the gateway's codecs on purpose.
 * @see https://docs.claude.com/en/docs/build-with-claude/extended-thinking
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 */

/** `thinking` as asked: enabled with a budget (adaptive counts as enabled), or off. */
export function readThinking(
  body: Record<string, unknown>,
  maxTokens: number | undefined,
): { enabled: boolean } | { message: string } {
  const thinking = body["thinking"];
  if (thinking === undefined || thinking === null) return { enabled: false };
  if (!isRecord(thinking)) return { message: "thinking: Input should be a valid dictionary" };
  switch (thinking["type"]) {
    case "disabled":
      return { enabled: false };
    case "adaptive":
      return { enabled: true };
    case "enabled": {
      const budget = thinking["budget_tokens"];
      if (budget === undefined) return { message: "thinking.enabled.budget_tokens: Field required" };
      if (typeof budget !== "number" || !Number.isInteger(budget))
        return { message: "thinking.enabled.budget_tokens: Input should be a valid integer" };
      if (budget < 1024)
        return { message: "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024" };
      if (maxTokens !== undefined && maxTokens <= budget)
        return { message: "`max_tokens` must be greater than `thinking.budget_tokens`." };
      return { enabled: true };
    }
    default:
      return {
        message:
          "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'",
      };
  }
}

function blocksOf(content: unknown): unknown[] {
  return typeof content === "string"
    ? [{ type: "text", text: content }]
    : Array.isArray(content)
      ? content
      : [];
}

/**
 * Checks every replayed `thinking` / `redacted_thinking` block against the emulator's signer, as the API
 * does, and — with thinking on — that the assistant turn of an unfinished tool loop starts with its
 * thinking. Returns the error message Anthropic gives, or undefined.
 */
export function checkReplayedThinking(
  body: Record<string, unknown>,
  signer: ThinkingSigner,
  thinkingEnabled: boolean,
): string | undefined {
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || message["role"] !== "assistant") continue;
    for (const [blockIndex, block] of blocksOf(message["content"]).entries()) {
      if (!isRecord(block)) continue;
      const path = `messages.${index}.content.${blockIndex}`;
      if (block["type"] === "thinking") {
        const { thinking, signature } = block;
        if (typeof signature !== "string" || signature === "")
          return `${path}.thinking.signature: Field required`;
        if (typeof thinking !== "string" || !signer.verify(thinking, signature))
          return `${path}: Invalid \`signature\` in \`thinking\` block`;
      } else if (block["type"] === "redacted_thinking") {
        const data = block["data"];
        if (typeof data !== "string" || !signer.verifyRedacted(data))
          return `${path}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }
  if (!thinkingEnabled) return undefined;
  const last = messages.at(-1);
  const inToolLoop =
    isRecord(last) &&
    last["role"] === "user" &&
    blocksOf(last["content"]).some((block) => isRecord(block) && block["type"] === "tool_result");
  const assistant = messages.at(-2);
  if (!inToolLoop || !isRecord(assistant) || assistant["role"] !== "assistant") return undefined;
  const first = blocksOf(assistant["content"])[0];
  const type = isRecord(first) ? first["type"] : undefined;
  if (type === "thinking" || type === "redacted_thinking") return undefined;
  return `messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
}

function ttlOf(block: Record<string, unknown>): number | undefined {
  const cache = block["cache_control"];
  if (!isRecord(cache)) return undefined;
  return cache["ttl"] === "1h" ? ONE_HOUR_MS : FIVE_MINUTES_MS;
}

function segment(block: unknown): PromptSegment {
  if (!isRecord(block)) return { content: block };
  const { cache_control: _cache, ...content } = block;
  const ttl = ttlOf(block);
  return ttl === undefined ? { content } : { content, breakpointTtlMs: ttl };
}

/**
 * The prompt in cache order — tools, then system, then messages, block by block — with each block's
 * breakpoint. A top-level `cache_control` (automatic caching) puts one on the last block.
 */
export function promptSegments(body: Record<string, unknown>): PromptSegment[] {
  const segments: PromptSegment[] = [];
  if (Array.isArray(body["tools"]))
    for (const tool of body["tools"] as unknown[]) segments.push(segment(tool));
  const system = body["system"];
  if (typeof system === "string") segments.push({ content: { type: "text", text: system } });
  else if (Array.isArray(system)) for (const block of system as unknown[]) segments.push(segment(block));
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
  for (const message of messages) {
    if (!isRecord(message)) continue;
    for (const block of blocksOf(message["content"])) {
      const piece = segment(block);
      segments.push({ ...piece, content: { role: message["role"], block: piece.content } });
    }
  }
  const automatic = isRecord(body["cache_control"]) ? ttlOf(body) : undefined;
  const last = segments.at(-1);
  if (automatic !== undefined && last !== undefined)
    segments[segments.length - 1] = { ...last, breakpointTtlMs: automatic };
  return segments;
}
