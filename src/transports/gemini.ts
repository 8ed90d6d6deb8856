import type { GeminiProviderConfig } from "../config/types.js";
import { splitUrl, type Transport, type UpstreamCall } from "./transport.js";

/** A model id as a path: `gemini-2.5-flash` → `models/gemini-2.5-flash`; `tunedModels/…` kept as is. */
export function geminiModelPath(model: string): string {
  if (model.startsWith("models/") || model.startsWith("tunedModels/"))
    return model.split("/").map(encodeURIComponent).join("/");
  return `models/${encodeURIComponent(model)}`;
}

function method(call: UpstreamCall): string {
  if (call.operation === "embeddings") return ":batchEmbedContents";
  return call.stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
}

/**
 * The Gemini API (AI Studio): `{base}/{version}/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` and `:batchEmbedContents`, with the key in `x-goog-api-key`
 * (never in the query string, where proxies and logs would keep it).
 * @see https://ai.google.dev/api#rest-resource:-v1beta.models
 */
export function geminiTransport(provider: GeminiProviderConfig): Transport {
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...provider.headers,
    "x-goog-api-key": provider.apiKey,
  };
  const prefix = `${pathPrefix}/${encodeURIComponent(provider.apiVersion)}/`;
  // Models and methods are few and fixed: build each path once.
  const paths = new Map<string, string>();
  return {
    providerId: provider.id,
    origin,
    prepare: (call) => {
      const suffix = method(call);
      const key = `${call.nativeModel}\u0000${suffix}`;
      let path = paths.get(key);
      if (path === undefined) {
        path = prefix + geminiModelPath(call.nativeModel) + suffix;
        paths.set(key, path);
      }
      return { path, headers, body: JSON.stringify(call.body) };
    },
  };
}
