import type { AnthropicProviderConfig } from "../config/types.js";
import { BETA_FIELD } from "../codecs/anthropic-messages/betas.js";
import { splitUrl, type Transport } from "./transport.js";

/**
 * Anthropic's Messages API: `{base_url}/v1/messages` with `x-api-key` and `anthropic-version`.
 * The header object is built once per provider. Anthropic has no embeddings API: an embeddings call
 * never reaches this transport (offerings of kind `anthropic` have no embeddings dialect), and is
 * refused here should one arrive.
 * @see https://docs.anthropic.com/en/api/overview#authentication
 */
export function anthropicTransport(provider: AnthropicProviderConfig): Transport {
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const headers: Readonly<Record<string, string>> = Object.freeze({
    "content-type": "application/json",
    ...provider.headers,
    "x-api-key": provider.apiKey,
    "anthropic-version": provider.anthropicVersion,
  });
  const path = `${pathPrefix}/v1/messages`;
  return {
    providerId: provider.id,
    origin,
    prepare: (call) => {
      if (call.operation !== "chat") {
        throw new Error(`provider ${provider.id}: Anthropic has no ${call.operation} API`);
      }
      const betas = call.body[BETA_FIELD];
      if (!Array.isArray(betas)) return { path, headers, body: JSON.stringify(call.body) };
      // The codec carries the flags in the body; Anthropic takes them as the `anthropic-beta` header.
      const { [BETA_FIELD]: _betas, ...body } = call.body;
      return {
        path,
        headers: { ...headers, "anthropic-beta": betas.join(",") },
        body: JSON.stringify(body),
      };
    },
  };
}
