import type { OpenAIProviderConfig } from "../config/types.js";
import { splitUrl, type Operation, type Transport } from "./transport.js";

const operationPaths: Record<Operation, string> = { chat: "/chat/completions", embeddings: "/embeddings" };

/**
 * OpenAI and any OpenAI-compatible server (vLLM, Ollama, llama.cpp, Together, Groq…):
 * `{base_url}/chat/completions` with an optional Bearer key; `{base_url}/responses` for an offering
 * of the `openai-responses` dialect.
 * @see https://platform.openai.com/docs/api-reference/authentication
 */
export function openaiTransport(provider: OpenAIProviderConfig): Transport {
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const headers: Record<string, string> = { "content-type": "application/json", ...provider.headers };
  if (provider.apiKey !== undefined) headers.authorization = `Bearer ${provider.apiKey}`;
  if (provider.organization !== undefined) headers["openai-organization"] = provider.organization;
  if (provider.project !== undefined) headers["openai-project"] = provider.project;
  const paths: Record<Operation, string> = {
    chat: pathPrefix + operationPaths.chat,
    embeddings: pathPrefix + operationPaths.embeddings,
  };
  const responsesPath = `${pathPrefix}/responses`;
  return {
    providerId: provider.id,
    origin,
    prepare: (call) => ({
      path:
        call.dialect === "openai-responses" && call.operation === "chat"
          ? responsesPath
          : paths[call.operation],
      headers,
      body: JSON.stringify(call.body),
    }),
  };
}
