/** An Azure OpenAI request path: the operation, and the deployment when the path names one. */
export interface AzurePath {
  readonly operation: "chat" | "embeddings";
  /** Classic routes name the deployment in the path; it stands for the model. */
  readonly deployment: string | undefined;
}

const operations = new Map<string, AzurePath["operation"]>([
  ["chat/completions", "chat"],
  ["embeddings", "embeddings"],
]);

/**
 * `/openai/deployments/{deployment}/chat/completions` (classic, `api-version` in the query, which the
 * gateway accepts whatever its value) and `/openai/v1/chat/completions` (the v1 route).
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/reference
 */
export function matchAzurePath(path: string): AzurePath | undefined {
  if (path.startsWith("/openai/v1/")) {
    const operation = operations.get(path.slice("/openai/v1/".length));
    return operation === undefined ? undefined : { operation, deployment: undefined };
  }
  const prefix = "/openai/deployments/";
  if (!path.startsWith(prefix)) return undefined;
  const slash = path.indexOf("/", prefix.length);
  if (slash === -1 || slash === prefix.length) return undefined;
  const operation = operations.get(path.slice(slash + 1));
  if (operation === undefined) return undefined;
  try {
    return { operation, deployment: decodeURIComponent(path.slice(prefix.length, slash)) };
  } catch {
    return undefined;
  }
}
