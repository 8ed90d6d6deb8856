import type { ChatRequest } from "../../core/chat-request.js";
import { invalid } from "./validate.js";

/** A beta flag as Anthropic names them: lower-case words, digits and dashes (`context-1m-2025-08-07`). */
const FLAG = /^[a-z0-9][a-z0-9_-]{0,127}$/;
const MAX_FLAGS = 32;

/**
 * The client's `anthropic-beta` header (comma-separated, possibly repeated) → the flags, trimmed,
 * in order, each once; undefined when there are none. A malformed flag is the client's 400, naming the
 * header, rather than a value passed to a cloud that would refuse it with a less clear message.
 * @see https://docs.anthropic.com/en/api/beta-headers
 */
export function parseBetaHeader(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const flags: string[] = [];
  for (const line of typeof value === "string" ? [value] : value) {
    for (const item of line.split(",")) {
      const flag = item.trim();
      if (flag === "" || flags.includes(flag)) continue;
      if (!FLAG.test(flag)) throw invalid("anthropic-beta", `'${flag}' is not a valid beta flag`);
      flags.push(flag);
    }
  }
  if (flags.length > MAX_FLAGS)
    throw invalid("anthropic-beta", `at most ${MAX_FLAGS} beta flags may be sent`);
  return flags.length === 0 ? undefined : flags;
}

/** The canonical request with the header's flags, which every codec then treats per cloud. */
export function withBetas(request: ChatRequest, header: string | readonly string[] | undefined): ChatRequest {
  const betas = parseBetaHeader(header);
  return betas === undefined ? request : { ...request, betas };
}
