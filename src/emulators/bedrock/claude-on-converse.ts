import { isRecord } from "../chat-request.js";
import type { ThinkingSigner } from "../claude-thinking.js";
import { FIVE_MINUTES_MS, ONE_HOUR_MS, type PromptSegment } from "../prompt-cache.js";
import { validation, type AwsError } from "./aws-errors.js";

/**
 * Claude's extended thinking and prompt caching as Bedrock's Converse API carries them: `thinking` in
 * `additionalModelRequestFields`, `reasoningContent` blocks, `cachePoint` blocks. Written from AWS's
 * documentation, apart from the gateway's codec.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
 */

/** Bedrock passes Claude's own complaints on, prefixed. */
function modelError(message: string): AwsError {
  return validation(`The model returned the following errors: ${message}`);
}

export function isClaude(modelId: string): boolean {
  return /(^|[./:])anthropic\.claude/.test(decodeURIComponent(modelId));
}

/** Whether the request turns Claude's thinking on; an error for a malformed one. */
export function readConverseThinking(
  body: Record<string, unknown>,
  maxTokens: number | undefined,
): { enabled: boolean } | { error: AwsError } {
  const fields = body["additionalModelRequestFields"];
  const thinking = isRecord(fields) ? fields["thinking"] : undefined;
  if (!isRecord(thinking) || thinking["type"] === "disabled") return { enabled: false };
  if (thinking["type"] === "adaptive") return { enabled: true };
  if (thinking["type"] !== "enabled")
    return { error: modelError("thinking: Input tag does not match any of the expected tags") };
  const budget = thinking["budget_tokens"];
  if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1024)
    return {
      error: modelError("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
    };
  if (maxTokens !== undefined && maxTokens <= budget)
    return { error: modelError("`max_tokens` must be greater than `thinking.budget_tokens`.") };
  return { enabled: true };
}

function contentOf(message: unknown): unknown[] {
  return isRecord(message) && Array.isArray(message["content"]) ? (message["content"] as unknown[]) : [];
}

/**
 * Every replayed `reasoningContent` block must carry the signature this emulator issued (or redacted
 * content it produced); with thinking on, the assistant turn of an unfinished tool loop must start with
 * its reasoning, as Claude requires.
 */
export function checkConverseReasoning(
  body: Record<string, unknown>,
  signer: ThinkingSigner,
  thinkingEnabled: boolean,
): AwsError | undefined {
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
  for (const [index, message] of messages.entries()) {
    for (const [position, block] of contentOf(message).entries()) {
      const reasoning = isRecord(block) ? block["reasoningContent"] : undefined;
      if (!isRecord(reasoning)) continue;
      const where = `messages.${index}.content.${position}`;
      const text = reasoning["reasoningText"];
      const redacted = reasoning["redactedContent"];
      if (isRecord(text)) {
        const { text: thinking, signature } = text;
        if (
          typeof thinking !== "string" ||
          typeof signature !== "string" ||
          !signer.verify(thinking, signature)
        )
          return modelError(`${where}: Invalid \`signature\` in \`thinking\` block`);
      } else if (typeof redacted !== "string" || !signer.verifyRedacted(redacted)) {
        return modelError(`${where}: Invalid \`data\` in \`redacted_thinking\` block`);
      }
    }
  }
  if (!thinkingEnabled) return undefined;
  const last = messages.at(-1);
  const inToolLoop = contentOf(last).some((block) => isRecord(block) && isRecord(block["toolResult"]));
  const assistant = messages.at(-2);
  if (!inToolLoop || !isRecord(assistant) || assistant["role"] !== "assistant") return undefined;
  const first = contentOf(assistant)[0];
  if (isRecord(first) && isRecord(first["reasoningContent"])) return undefined;
  const found = isRecord(first) ? (Object.keys(first)[0] ?? "nothing") : "nothing";
  return modelError(
    `messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`,
  );
}

/** Appends `list`'s pieces, a `cachePoint` marking a breakpoint on the piece before it. */
function collect(list: unknown, into: PromptSegment[], wrap: (block: unknown) => unknown): void {
  if (!Array.isArray(list)) return;
  for (const block of list as unknown[]) {
    if (isRecord(block) && isRecord(block["cachePoint"])) {
      const last = into.at(-1);
      const ttl = block["cachePoint"]["ttl"] === "1h" ? ONE_HOUR_MS : FIVE_MINUTES_MS;
      if (last !== undefined) into[into.length - 1] = { ...last, breakpointTtlMs: ttl };
      continue;
    }
    into.push({ content: wrap(block) });
  }
}

/** The prompt in cache order: tools, system, then every message's blocks. */
export function converseSegments(body: Record<string, unknown>): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const toolConfig = body["toolConfig"];
  if (isRecord(toolConfig)) collect(toolConfig["tools"], segments, (tool) => tool);
  collect(body["system"], segments, (block) => block);
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
  for (const message of messages) {
    const role = isRecord(message) ? message["role"] : undefined;
    collect(contentOf(message), segments, (block) => ({ role, block }));
  }
  return segments;
}
