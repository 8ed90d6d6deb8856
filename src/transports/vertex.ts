import { BETA_FIELD } from "../codecs/anthropic-messages/betas.js";
import type { VertexProviderConfig } from "../config/types.js";
import { serviceAccountTokenSource, type AccessTokenSource } from "./google-auth.js";
import { splitUrl, type Transport, type UpstreamCall, type UpstreamRequest } from "./transport.js";

/** What Vertex wants in a Claude body instead of `model` (the model is in the path). */
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** A path segment; Vertex model versions keep their literal `@` (`claude-sonnet-4@20250514`). */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, "@");
}

function method(call: UpstreamCall): string {
  if (call.operation === "embeddings") return ":predict";
  if (call.dialect === "anthropic-messages") return call.stream ? ":streamRawPredict" : ":rawPredict";
  return call.stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
}

/** The path of one call, below `/v1/projects/{project}/locations/{location}`. */
function resourcePath(call: UpstreamCall): string {
  if (call.operation === "chat" && call.dialect === "openai-chat")
    return "/endpoints/openapi/chat/completions";
  const publisher =
    call.operation === "chat" && call.dialect === "anthropic-messages" ? "anthropic" : "google";
  return `/publishers/${publisher}/models/${segment(call.nativeModel)}${method(call)}`;
}

/**
 * The body as Vertex takes it. Claude (rawPredict): the model is in the path, so `model` leaves the body
 * and `anthropic_version` names Vertex's Messages version; everything else (including `stream`) stays.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
 */
function body(call: UpstreamCall): string {
  if (call.operation !== "chat" || call.dialect !== "anthropic-messages") return JSON.stringify(call.body);
  const { model: _model, [BETA_FIELD]: _betas, ...rest } = call.body;
  return JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest });
}

/**
 * Claude's `anthropic-beta` flags: the codec carries them in the body, Vertex takes them as the header
 * (as Anthropic does). The shared header object is reused when there are none.
 */
function withBetas(call: UpstreamCall, headers: Record<string, string>): Record<string, string> {
  const betas = call.body[BETA_FIELD];
  if (call.dialect !== "anthropic-messages" || !Array.isArray(betas)) return headers;
  return { ...headers, "anthropic-beta": betas.join(",") };
}

export interface VertexTransportOptions {
  /** Wall-clock milliseconds for token expiry; injected for tests. */
  readonly now?: () => number;
}

/**
 * Google Vertex AI in one project and location. One cloud, three dialects:
 * - gemini (vendor google): `…/publishers/google/models/{m}:generateContent` / `:streamGenerateContent?alt=sse`;
 * - anthropic-messages (vendor anthropic): `…/publishers/anthropic/models/{m}:rawPredict` / `:streamRawPredict`;
 * - openai-chat (Llama and other open models): `…/endpoints/openapi/chat/completions`, model in the body;
 * embeddings: `…/publishers/google/models/{m}:predict`. All below `{base}/v1/projects/{p}/locations/{l}`.
 * Login: `Authorization: Bearer` with an OAuth2 access token minted from the service-account key (cached,
 * see `google-auth.ts`), or the configured static access token.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/maas/call-open-model-apis
 */
export function vertexTransport(
  provider: VertexProviderConfig,
  options: VertexTransportOptions = {},
): Transport {
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const base = `${pathPrefix}/v1/projects/${segment(provider.project)}/locations/${segment(provider.location)}`;
  const baseHeaders: Record<string, string> = { "content-type": "application/json", ...provider.headers };
  const paths = new Map<string, string>();
  const path = (call: UpstreamCall): string => {
    const key = `${call.operation}\u0000${call.dialect}\u0000${call.stream}\u0000${call.nativeModel}`;
    let found = paths.get(key);
    if (found === undefined) {
      found = base + resourcePath(call);
      paths.set(key, found);
    }
    return found;
  };

  const credentials = provider.credentials;
  if (credentials.type === "access-token") {
    const headers = { ...baseHeaders, authorization: `Bearer ${credentials.accessToken}` };
    return {
      providerId: provider.id,
      origin,
      prepare: (call) => ({ path: path(call), headers: withBetas(call, headers), body: body(call) }),
    };
  }

  const tokens: AccessTokenSource = serviceAccountTokenSource(credentials.keyJson, {
    provider: provider.id,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  // Headers are rebuilt only when the token changes.
  let headers: Record<string, string> = baseHeaders;
  let headersToken = "";
  const withToken = (call: UpstreamCall, token: string): UpstreamRequest => {
    if (token !== headersToken) {
      headers = { ...baseHeaders, authorization: `Bearer ${token}` };
      headersToken = token;
    }
    return { path: path(call), headers: withBetas(call, headers), body: body(call) };
  };
  return {
    providerId: provider.id,
    origin,
    prepare: (call) => {
      const token = tokens.token();
      return typeof token === "string"
        ? withToken(call, token)
        : token.then((fresh) => withToken(call, fresh));
    },
  };
}
