import type { EmulatorKind } from "./types.js";

/** Models every emulator lists; any other id is still served (except `missing-*`). */
const LISTED = [
  { id: "gpt-4o-mini", created: 1721172741 },
  { id: "gpt-4o", created: 1715367049 },
  { id: "gpt-4.1", created: 1744316542 },
  { id: "gpt-4.1-mini", created: 1744318173 },
  { id: "text-embedding-3-small", created: 1705948997 },
  { id: "text-embedding-3-large", created: 1705953180 },
];

/** Dated snapshot names that OpenAI and Azure report in `model` for an alias. */
const SNAPSHOTS: Record<string, string> = {
  "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
  "gpt-4o": "gpt-4o-2024-08-06",
  "gpt-4.1": "gpt-4.1-2025-04-14",
  "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
  "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
};

/** The `model` a chat response reports: the dated snapshot on OpenAI/Azure, the request's name elsewhere. */
export function reportedModel(kind: EmulatorKind, requested: string): string {
  return kind === "openai-compatible" ? requested : (SNAPSHOTS[requested] ?? requested);
}

/**
 * Models OpenAI serves only through the Responses API (the `-pro` reasoning models, the Codex models):
 * Chat Completions refuses them. Matched on the model or deployment name.
 */
const RESPONSES_ONLY = [
  /^o[1-9]-pro(-|$)/,
  /^gpt-5(\.\d+)?-pro(-|$)/,
  /^gpt-5(\.\d+)?-codex(-|$)/,
  /^codex-mini(-|$)/,
];

export function isResponsesOnly(model: string): boolean {
  return RESPONSES_ONLY.some((pattern) => pattern.test(model));
}

export function isMissingModel(model: string | undefined): boolean {
  return model?.startsWith("missing-") === true;
}

export function modelObject(kind: EmulatorKind, owner: string, id: string, created = 1700000000): unknown {
  if (kind === "azure") {
    return {
      id,
      object: "model",
      created,
      owned_by: "system",
      created_at: created,
      lifecycle_status: "generally-available",
    };
  }
  return { id, object: "model", created, owned_by: kind === "openai" ? "system" : owner };
}

export function modelListBody(kind: EmulatorKind, owner: string): unknown {
  return { object: "list", data: LISTED.map((model) => modelObject(kind, owner, model.id, model.created)) };
}

export function listedCreated(id: string): number | undefined {
  return LISTED.find((model) => model.id === id)?.created;
}
