import type { IncomingMessage } from "node:http";
import type { EmulatorKind } from "./types.js";

export type Route =
  | { operation: "chat" | "embeddings"; deployment: string | undefined }
  | { operation: "responses" }
  | { operation: "models" }
  | { operation: "model"; id: string }
  | { operation: "not-found" };

/**
 * Maps a request to an operation. Azure's classic routes carry the deployment in the path
 * and need `api-version`; its v1 routes (and OpenAI's) take the model from the body.
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle
 */
export function matchRoute(kind: EmulatorKind, method: string, url: URL): Route {
  const path = url.pathname.replace(/\/+$/, "");
  const prefix = kind === "azure" ? "/openai/v1" : "/v1";
  if (method === "POST" && path === `${prefix}/chat/completions`)
    return { operation: "chat", deployment: undefined };
  // The Responses API: OpenAI's and Azure's v1 route (not the openai-compatible kind's hosts).
  if (method === "POST" && path === `${prefix}/responses` && kind !== "openai-compatible")
    return { operation: "responses" };
  if (method === "POST" && path === `${prefix}/embeddings`)
    return { operation: "embeddings", deployment: undefined };
  if (method === "GET" && path === `${prefix}/models`) return { operation: "models" };
  if (method === "GET" && path.startsWith(`${prefix}/models/`)) {
    const id = safeDecode(path.slice(`${prefix}/models/`.length));
    if (id !== undefined && id !== "") return { operation: "model", id };
  }
  if (kind === "azure" && method === "POST") {
    const classic = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(path);
    const deployment = classic?.[1] === undefined ? undefined : safeDecode(classic[1]);
    const apiVersion = url.searchParams.get("api-version");
    if (classic !== null && deployment !== undefined && apiVersion !== null && apiVersion !== "") {
      return { operation: classic[2] === "embeddings" ? "embeddings" : "chat", deployment };
    }
  }
  return { operation: "not-found" };
}

/** OpenAI: `Authorization: Bearer`. Azure: `api-key`, or Bearer (what plain OpenAI clients send to /openai/v1). */
export function presentedKey(kind: EmulatorKind, request: IncomingMessage): string | undefined {
  const apiKey = request.headers["api-key"];
  if (kind === "azure" && typeof apiKey === "string" && apiKey !== "") return apiKey;
  const authorization = request.headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  return match?.[1]?.trim();
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
