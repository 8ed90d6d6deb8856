import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { KeyConfig } from "../config/types.js";
import { GatewayError } from "../errors/gateway-error.js";

/** Looks up the virtual key a client sent. Keys are held only as SHA-256 hashes. */
export class KeyRing {
  readonly #byHash: ReadonlyMap<string, KeyConfig>;
  /**
   * Keys seen recently, so a hot key is hashed once rather than per request. Only keys that matched
   * are kept (random guesses cannot grow it), and it is bounded.
   */
  readonly #recent = new Map<string, KeyConfig>();

  constructor(keys: readonly KeyConfig[]) {
    this.#byHash = new Map(keys.map((key) => [key.sha256, key]));
  }

  /**
   * The key from `Authorization: Bearer …`, or from `api-key` (what Azure clients send),
   * or from `x-api-key` (what Anthropic clients send).
   */
  authenticate(headers: IncomingHttpHeaders): KeyConfig {
    const presented = presentedKey(headers);
    if (presented === undefined) {
      throw new GatewayError(
        "invalid_api_key",
        "You didn't provide an API key. Send it as `Authorization: Bearer <key>` (or an `api-key` header).",
      );
    }
    const recent = this.#recent.get(presented);
    if (recent !== undefined) return recent;
    const key = this.#byHash.get(createHash("sha256").update(presented).digest("hex"));
    if (key === undefined) throw new GatewayError("invalid_api_key", "Incorrect API key provided.");
    if (this.#recent.size >= maxRecentKeys) this.#recent.clear();
    this.#recent.set(presented, key);
    return key;
  }
}

const maxRecentKeys = 10_000;

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (
    authorization !== undefined &&
    authorization.length > 7 &&
    authorization.slice(0, 7).toLowerCase() === "bearer "
  ) {
    return authorization.slice(7).trim();
  }
  const apiKey = headers["api-key"] ?? headers["x-api-key"];
  return typeof apiKey === "string" && apiKey !== "" ? apiKey : undefined;
}

/** Whether a key may use a model. */
export function keyAllowsModel(key: KeyConfig, model: string): boolean {
  return key.models === undefined || key.models.has(model);
}
