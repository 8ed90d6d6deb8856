import type { ProviderConfig } from "../config/types.js";
import { anthropicTransport } from "./anthropic.js";
import { azureTransport } from "./azure.js";
import { bedrockTransport } from "./bedrock.js";
import { geminiTransport } from "./gemini.js";
import { openaiTransport } from "./openai.js";
import type { Transport } from "./transport.js";
import { vertexTransport } from "./vertex.js";

export type { Operation, Transport } from "./transport.js";

export function createTransport(provider: ProviderConfig): Transport {
  switch (provider.kind) {
    case "openai":
    case "openai-compatible":
      return openaiTransport(provider);
    case "azure":
      return azureTransport(provider);
    case "bedrock":
      return bedrockTransport(provider);
    case "vertex":
      return vertexTransport(provider);
    case "gemini":
      return geminiTransport(provider);
    case "anthropic":
      return anthropicTransport(provider);
  }
}
