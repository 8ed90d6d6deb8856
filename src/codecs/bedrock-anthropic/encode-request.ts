import type { EncodedRequest, EncodeTarget, Warning } from "../codec.js";
import type { ChatRequest } from "../../core/chat-request.js";
import { encodeAnthropicMessagesRequest } from "../anthropic-messages/encode-request.js";
import { BETA_FIELD } from "../anthropic-messages/betas.js";

/** What InvokeModel wants in a Claude body instead of `model` (the model is in the path). */
export const BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";

/**
 * The top-level fields Bedrock documents for Claude's Messages body; it refuses any other key
 * (`extraneous key [x] is not permitted`). Anthropic-only fields (`metadata`, `service_tier`,
 * `inference_geo`, `speed`, top-level `cache_control`) are dropped with a warning instead.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 */
export const BEDROCK_ANTHROPIC_FIELDS: ReadonlySet<string> = new Set([
  "anthropic_version",
  BETA_FIELD,
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
 * Canonical request → the InvokeModel body for Claude: Anthropic's Messages body (the same encoder, so
 * nothing an Anthropic client sends is translated twice), without `model` (in the path) and `stream`
 * (the operation decides), with `anthropic_version: "bedrock-2023-05-31"` and the flags the offering
 * takes as `anthropic_beta: [...]`.
 */
export function encodeBedrockAnthropicRequest(request: ChatRequest, target: EncodeTarget): EncodedRequest {
  const encoded = encodeAnthropicMessagesRequest(request, target);
  const { model: _model, stream: _stream, ...rest } = encoded.body;
  const body: Record<string, unknown> = { anthropic_version: BEDROCK_ANTHROPIC_VERSION };
  const warnings: Warning[] = [...encoded.warnings];
  for (const name in rest) {
    if (BEDROCK_ANTHROPIC_FIELDS.has(name)) body[name] = rest[name];
    else
      warnings.push({
        code: "parameter_ignored",
        param: name,
        message: `${name} is not accepted by Claude on Bedrock (InvokeModel) and was ignored`,
      });
  }
  if (request.betas !== undefined && request.betas.length > 0) body[BETA_FIELD] = [...request.betas];
  return { body, warnings };
}
