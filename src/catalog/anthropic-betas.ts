import type { Dialect } from "../core/chat-request.js";
import type { OfferingConfig, ProviderKind } from "../config/types.js";

/**
 * Which `anthropic-beta` flags each cloud that serves Claude takes, as data. Anthropic takes every flag
 * (it defines them, and answers an unknown one itself); Vertex and Bedrock take the subsets their own
 * documentation names, and refuse the rest with a 400 (`invalid beta flag`), which is why a flag a cloud
 * does not take is stripped with a warning before the request goes there — or, for the few flags that
 * change what the request means, leaves that offering out of the plan (see `BETA_NEEDS`).
 *
 * Sources (each entry is in at least one; where they disagree, the cloud's own page wins):
 * - Anthropic: https://docs.anthropic.com/en/api/beta-headers (all flags, and the SDK's `AnthropicBeta` union).
 * - Bedrock: the `anthropic_beta` field of Claude's Messages body,
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 *   (computer use, token-efficient tools, 128k output, interleaved thinking, 1M context, fine-grained tool
 *   streaming, tool search), and the Converse pass-through `additionalModelRequestFields.anthropic_beta`,
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 * - Vertex: https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude and the
 *   per-feature pages (computer use, interleaved thinking, 1M context, context management, tool search);
 *   cross-checked with LiteLLM's per-provider table (litellm/anthropic_beta_headers_config.json), which
 *   also lists token-efficient tools, 128k output and the Files API as not taken by Vertex.
 */
export type BetaCloud = "anthropic" | "vertex" | "bedrock";

/** The flags Bedrock takes (InvokeModel body and Converse `additionalModelRequestFields` alike). */
const BEDROCK_FLAGS: ReadonlySet<string> = new Set([
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

/** The flags Vertex's `rawPredict` takes for Claude. */
const VERTEX_FLAGS: ReadonlySet<string> = new Set([
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "computer-use-2025-11-24",
  "interleaved-thinking-2025-05-14",
  "context-1m-2025-08-07",
  "context-management-2025-06-27",
  "tool-search-tool-2025-10-19",
]);

/** The request numbers a meaning-changing flag is judged on (the planner's request features). */
export interface BetaNeedInputs {
  readonly promptTokens: number | undefined;
  readonly maxOutputTokens: number | undefined;
}

export const CONTEXT_1M_BETA = "context-1m-2025-08-07";

/** The standard context window of current Claude models, and the one `context-1m-2025-08-07` opens. */
export const STANDARD_CONTEXT_TOKENS = 200_000;
export const CONTEXT_1M_TOKENS = 1_000_000;
/** The largest `max_tokens` Claude 3.7 Sonnet takes without `output-128k-2025-02-19`. */
export const STANDARD_MAX_OUTPUT_TOKENS = 64_000;

/**
 * The flags that change what a request means, and when the request needs one. Stripping such a flag
 * would not degrade the answer, it would make the request fail (a prompt over 200k tokens) or cut it
 * short (more than 64k output tokens): an offering whose cloud does not take the flag is left out, with
 * the reason. When the request does not need the flag, it is stripped with a warning like any other.
 * Every other flag (interleaved thinking, token-efficient tools…) changes how, not what: stripped.
 */
const BETA_NEEDS: ReadonlyMap<string, (inputs: BetaNeedInputs) => string | undefined> = new Map([
  [
    CONTEXT_1M_BETA,
    ({ promptTokens }) =>
      promptTokens !== undefined && promptTokens > STANDARD_CONTEXT_TOKENS
        ? `the prompt of ${promptTokens} tokens needs the 1M context window`
        : undefined,
  ],
  [
    "output-128k-2025-02-19",
    ({ maxOutputTokens }) =>
      maxOutputTokens !== undefined && maxOutputTokens > STANDARD_MAX_OUTPUT_TOKENS
        ? `max_tokens ${maxOutputTokens} needs 128k output`
        : undefined,
  ],
]);

/** The flags whose absence `BETA_NEEDS` judges: shown in the docs, tested beside the table. */
export const MEANING_CHANGING_BETAS: readonly string[] = [...BETA_NEEDS.keys()];

/** Claude's dialects: an offering speaking one of them serves an Anthropic model. */
const CLAUDE_DIALECTS: ReadonlySet<Dialect> = new Set(["anthropic-messages", "bedrock-anthropic"]);

/**
 * The cloud whose flag table applies to an offering, or undefined when it takes no flag at all: a model
 * of another vendor (Llama on Bedrock, Gemini on Vertex) or a cloud that does not serve Claude.
 */
export function betaCloudOf(
  kind: ProviderKind,
  offering: Pick<OfferingConfig, "vendor" | "dialect">,
): BetaCloud | undefined {
  const claude = offering.vendor === "anthropic" || CLAUDE_DIALECTS.has(offering.dialect);
  if (!claude) return undefined;
  switch (kind) {
    case "anthropic":
      return "anthropic";
    case "vertex":
      return "vertex";
    case "bedrock":
      return "bedrock";
    default:
      return undefined;
  }
}

/** Whether `cloud` takes `flag`. */
export function takesBeta(cloud: BetaCloud | undefined, flag: string): boolean {
  switch (cloud) {
    case "anthropic":
      return true;
    case "vertex":
      return VERTEX_FLAGS.has(flag);
    case "bedrock":
      return BEDROCK_FLAGS.has(flag);
    case undefined:
      return false;
  }
}

/** The request's flags split into those the cloud takes (passed on) and those it does not (stripped). */
export function partitionBetas(
  flags: readonly string[],
  cloud: BetaCloud | undefined,
): { readonly taken: readonly string[]; readonly stripped: readonly string[] } {
  const taken: string[] = [];
  const stripped: string[] = [];
  for (const flag of flags) (takesBeta(cloud, flag) ? taken : stripped).push(flag);
  return { taken, stripped };
}

/**
 * The first flag the request needs that the cloud does not take, with why; undefined when the offering
 * can serve every flag the request depends on.
 */
export function missingNeededBeta(
  flags: readonly string[],
  cloud: BetaCloud | undefined,
  inputs: BetaNeedInputs,
): { readonly flag: string; readonly reason: string } | undefined {
  for (const flag of flags) {
    if (takesBeta(cloud, flag)) continue;
    const reason = BETA_NEEDS.get(flag)?.(inputs);
    if (reason !== undefined) return { flag, reason };
  }
  return undefined;
}

/** The context window an offering has for this request: 1M when the request sends and the cloud takes the flag. */
export function contextWindowWith(
  window: number | undefined,
  flags: readonly string[] | undefined,
  cloud: BetaCloud | undefined,
): number | undefined {
  if (window === undefined || flags === undefined) return window;
  const opened = flags.includes(CONTEXT_1M_BETA) && takesBeta(cloud, CONTEXT_1M_BETA);
  return opened ? Math.max(window, CONTEXT_1M_TOKENS) : window;
}
