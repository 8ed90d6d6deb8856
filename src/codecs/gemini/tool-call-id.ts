/**
 * Tool-call ids that carry Gemini's thought signatures through a stateless gateway.
 *
 * Gemini returns an opaque `thoughtSignature` beside a `functionCall` part, and thinking models
 * (Gemini 3) reject a replayed function call whose signature is missing. A client of the gateway only
 * keeps the tool call's id, so the signature travels inside it:
 *
 *   `call_<uniq>`                  no signature
 *   `call_<uniq>_s<base64url>`     a canonical base64 signature, as its bytes in base64url
 *   `call_<uniq>_t<base64url>`     any other signature text, as its UTF-8 bytes in base64url
 *
 * `<uniq>` is letters and digits only (the response id, `i`, the call's index), so the first `_` after
 * `call_` always starts the signature. Every id matches `[A-Za-z0-9_-]+`, which OpenAI and Anthropic
 * clients both accept.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */

const PREFIX = "call_";

/** The id for the `index`-th function call of a response. */
export function packToolCallId(responseId: string | undefined, index: number, signature?: string): string {
  const uniq = `${(responseId ?? "").replace(/[^A-Za-z0-9]/g, "").slice(0, 32)}i${index}`;
  if (signature === undefined || signature === "") return PREFIX + uniq;
  const bytes = Buffer.from(signature, "base64");
  if (bytes.toString("base64") === signature) return `${PREFIX}${uniq}_s${bytes.toString("base64url")}`;
  return `${PREFIX}${uniq}_t${Buffer.from(signature, "utf8").toString("base64url")}`;
}

/** The thought signature packed into a tool-call id, if it carries one (ids from elsewhere carry none). */
export function unpackThoughtSignature(id: string): string | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const separator = id.indexOf("_", PREFIX.length);
  if (separator === -1) return undefined;
  const kind = id[separator + 1];
  const payload = id.slice(separator + 2);
  if (payload === "" || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  if (kind === "s") return Buffer.from(payload, "base64url").toString("base64");
  if (kind === "t") return Buffer.from(payload, "base64url").toString("utf8");
  return undefined;
}
