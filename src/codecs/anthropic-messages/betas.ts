import type { EncodedRequest } from "../codec.js";
import type { ChatRequest } from "../../core/chat-request.js";

/**
 * Where an Anthropic-dialect body carries the request's `anthropic-beta` flags: Bedrock's InvokeModel
 * takes them in the body under this name; Anthropic and Vertex take the `anthropic-beta` header, so
 * their transports move the field there (a transport moves fields, never changes their meaning).
 * The flags are already the serving cloud's subset (catalog/anthropic-betas.ts).
 */
export const BETA_FIELD = "anthropic_beta";

/** The encoded body with the request's flags added under `anthropic_beta`. */
export function withBetaField(encoded: EncodedRequest, request: ChatRequest): EncodedRequest {
  const betas = request.betas;
  if (betas === undefined || betas.length === 0) return encoded;
  return { body: { ...encoded.body, [BETA_FIELD]: [...betas] }, warnings: encoded.warnings };
}
