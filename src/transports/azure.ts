import type { AzureProviderConfig } from "../config/types.js";
import { splitUrl, type Operation, type Transport } from "./transport.js";

const operationPaths: Record<Operation, string> = { chat: "/chat/completions", embeddings: "/embeddings" };

/**
 * Azure OpenAI. With `api_version` the classic deployment route
 * `/openai/deployments/{deployment}/chat/completions?api-version=…`; without it the v1 route
 * `/openai/v1/chat/completions`, where the body's `model` names the deployment.
 * The Responses API (`openai-responses` offerings) is on the v1 route only, `/openai/v1/responses`, with
 * or without `api_version`: the classic deployment routes have no Responses path.
 * Login: `api-key` header, or a Microsoft Entra ID token as Bearer.
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference
 */
export function azureTransport(provider: AzureProviderConfig): Transport {
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const headers: Record<string, string> = { "content-type": "application/json", ...provider.headers };
  if (provider.apiKey !== undefined) headers["api-key"] = provider.apiKey;
  else if (provider.entraToken !== undefined) headers.authorization = `Bearer ${provider.entraToken}`;
  const apiVersion = provider.apiVersion;
  const classicPaths = new Map<string, string>();
  const responsesPath = `${pathPrefix}/openai/v1/responses`;
  const path = (operation: Operation, deployment: string): string => {
    if (apiVersion === undefined) return `${pathPrefix}/openai/v1${operationPaths[operation]}`;
    // Deployment paths are few and fixed: build each once.
    const key = `${operation}\u0000${deployment}`;
    let path = classicPaths.get(key);
    if (path === undefined) {
      path = `${pathPrefix}/openai/deployments/${encodeURIComponent(deployment)}${operationPaths[operation]}?api-version=${encodeURIComponent(apiVersion)}`;
      classicPaths.set(key, path);
    }
    return path;
  };
  return {
    providerId: provider.id,
    origin,
    prepare: (call) => ({
      path:
        call.dialect === "openai-responses" && call.operation === "chat"
          ? responsesPath
          : path(call.operation, call.nativeModel),
      headers,
      body: JSON.stringify(call.body),
    }),
  };
}
