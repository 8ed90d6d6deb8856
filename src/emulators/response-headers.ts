import { hex, uuidFrom } from "./hashing.js";
import type { EmulatorKind } from "./types.js";

export interface HeaderContext {
  kind: EmulatorKind;
  name: string;
  sequence: number;
  startedAt: number;
  promptTokens: number;
  deployment: string | undefined;
  rateLimited: boolean;
}

const REQUEST_LIMIT = 10_000;
const TOKEN_LIMIT = 30_000_000;

const REGIONS: Record<string, string> = {
  eastus: "East US",
  eastus2: "East US 2",
  westus: "West US",
  westus3: "West US 3",
  northcentralus: "North Central US",
  southcentralus: "South Central US",
  westeurope: "West Europe",
  swedencentral: "Sweden Central",
  francecentral: "France Central",
  uksouth: "UK South",
  japaneast: "Japan East",
};

/** `x-ms-region` from the emulator's name, e.g. `azure-eastus` → `East US`. */
export function regionOf(name: string): string {
  const suffix = name.split("-").at(-1) ?? "";
  return REGIONS[suffix] ?? "East US";
}

/**
 * Headers the real service sends on every response.
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 */
export function responseHeaders(context: HeaderContext): Record<string, string> {
  const seed = `${context.name}:${context.sequence}`;
  const remainingRequests = context.rateLimited ? 0 : REQUEST_LIMIT - 1;
  const remainingTokens = context.rateLimited ? 0 : TOKEN_LIMIT - context.promptTokens;
  switch (context.kind) {
    case "openai":
      return {
        "x-request-id": `req_${hex(seed, 32)}`,
        "openai-organization": "switchyard-emulator",
        "openai-project": "proj_emulator",
        "openai-version": "2020-10-01",
        "openai-processing-ms": String(Date.now() - context.startedAt),
        "x-ratelimit-limit-requests": String(REQUEST_LIMIT),
        "x-ratelimit-limit-tokens": String(TOKEN_LIMIT),
        "x-ratelimit-remaining-requests": String(remainingRequests),
        "x-ratelimit-remaining-tokens": String(remainingTokens),
        "x-ratelimit-reset-requests": "6ms",
        "x-ratelimit-reset-tokens": "0s",
      };
    case "azure":
      return {
        "apim-request-id": uuidFrom(`apim:${seed}`),
        "x-request-id": uuidFrom(`req:${seed}`),
        "x-ms-region": regionOf(context.name),
        "x-ms-rai-invoked": "true",
        ...(context.deployment === undefined ? {} : { "x-ms-deployment-name": context.deployment }),
        "x-ratelimit-limit-requests": String(REQUEST_LIMIT),
        "x-ratelimit-limit-tokens": String(TOKEN_LIMIT),
        "x-ratelimit-remaining-requests": String(remainingRequests),
        "x-ratelimit-remaining-tokens": String(remainingTokens),
        "x-content-type-options": "nosniff",
      };
    default:
      return { "x-request-id": hex(seed, 32) };
  }
}
