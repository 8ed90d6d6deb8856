import { generateKeyPair, verify } from "node:crypto";
import { promisify } from "node:util";
import { isRecord } from "../chat-request.js";
import { base62 } from "../hashing.js";
import { sendJson } from "../http-io.js";
import type { GoogleRouteContext } from "../gemini/google-server.js";

/** The token endpoint google-auth-library signs its assertions for (their `aud`), whatever URL it posts to. */
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
/** Clock skew tolerated on `iat`, and the longest assertion Google accepts (one hour). */
const SKEW_SECONDS = 300;
const MAX_ASSERTION_SECONDS = 3600;

/** A service-account key file, as the Cloud console downloads it. */
export interface ServiceAccountKeyFile {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  universe_domain: string;
}

/** An RSA key pair for a test service account; the private half goes in its key file. */
export async function generateServiceAccountKeys(): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey, publicKey };
}

type Grant = { ok: true; email: string } | { ok: false; error: string; description: string };

/**
 * Google's OAuth 2.0 token endpoint for service accounts, as far as a gateway needs it: the JWT-bearer
 * grant. An assertion is accepted when it is RS256, signed by the registered key of its `iss`, addressed
 * to Google's token endpoint or this one, carries the cloud-platform scope, and is within its validity
 * (`iat` at most 5 minutes ahead, `exp` in the future, at most one hour after `iat`). Tokens it mints
 * are opaque `ya29.…` strings, valid for `lifetimeSeconds`.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export class OAuthTokenIssuer {
  readonly #keys = new Map<string, string>();
  readonly #tokens = new Map<string, number>();
  readonly #seed: string;
  readonly #lifetimeSeconds: number;
  readonly #audiences = new Set([GOOGLE_TOKEN_URL]);
  #minted = 0;

  constructor(options: { seed: string; lifetimeSeconds: number }) {
    this.#seed = options.seed;
    this.#lifetimeSeconds = options.lifetimeSeconds;
  }

  /** Trusts assertions from `clientEmail` signed with the key whose public half this is (PEM). */
  register(clientEmail: string, publicKeyPem: string): void {
    this.#keys.set(clientEmail, publicKeyPem);
  }

  /** Accepts assertions addressed to this URL too (the endpoint's own address). */
  addAudience(tokenUrl: string): void {
    this.#audiences.add(tokenUrl);
  }

  /** How many access tokens were minted so far. */
  get minted(): number {
    return this.#minted;
  }

  /** Whether a Bearer token is one this issuer minted and it has not expired. */
  isValid(token: string): boolean {
    const expiresAt = this.#tokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  /** `POST /token` with a form body. */
  handle(context: GoogleRouteContext, body: string): void {
    const form = new URLSearchParams(body);
    const grantType = form.get("grant_type");
    if (grantType !== JWT_BEARER) {
      return sendJson(
        context.response,
        400,
        {},
        {
          error: "unsupported_grant_type",
          error_description: `Invalid grant_type: ${grantType ?? ""}`,
        },
      );
    }
    const grant = this.#check(form.get("assertion") ?? "");
    if (!grant.ok)
      return sendJson(
        context.response,
        400,
        {},
        { error: grant.error, error_description: grant.description },
      );
    this.#minted += 1;
    const token = `ya29.${base62(`${this.#seed}:token:${this.#minted}`, 120)}`;
    this.#tokens.set(token, Date.now() + this.#lifetimeSeconds * 1000);
    sendJson(
      context.response,
      200,
      { "cache-control": "no-cache, no-store, max-age=0, must-revalidate" },
      {
        access_token: token,
        expires_in: this.#lifetimeSeconds,
        token_type: "Bearer",
      },
    );
  }

  #check(assertion: string): Grant {
    const invalid = (description: string): Grant => ({ ok: false, error: "invalid_grant", description });
    const [head, payload, signature, extra] = assertion.split(".");
    if (head === undefined || payload === undefined || signature === undefined || extra !== undefined)
      return invalid(
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
      );
    let header: unknown;
    let claims: unknown;
    try {
      header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as unknown;
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    } catch {
      return invalid("Invalid JWT: the header or the claim set is not JSON.");
    }
    if (!isRecord(header) || header["alg"] !== "RS256" || !isRecord(claims))
      return invalid("Invalid JWT: only RS256 assertions are accepted.");
    const issuer = claims["iss"];
    const key = typeof issuer === "string" ? this.#keys.get(issuer) : undefined;
    if (key === undefined)
      return { ok: false, error: "invalid_client", description: "The OAuth client was not found." };
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${head}.${payload}`),
      key,
      Buffer.from(signature, "base64url"),
    );
    if (!signed) return invalid("Invalid JWT Signature.");
    if (typeof claims["aud"] !== "string" || !this.#audiences.has(claims["aud"]))
      return invalid(`Invalid JWT: audience ${String(claims["aud"])} is not the token endpoint.`);
    const now = Math.floor(Date.now() / 1000);
    const iat = claims["iat"];
    const exp = claims["exp"];
    if (
      typeof iat !== "number" ||
      typeof exp !== "number" ||
      iat > now + SKEW_SECONDS ||
      exp <= now ||
      exp - iat > MAX_ASSERTION_SECONDS
    )
      return invalid(
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
      );
    const scope = claims["scope"];
    if (typeof scope !== "string" || !scope.split(" ").includes(CLOUD_PLATFORM))
      return { ok: false, error: "invalid_scope", description: "The cloud-platform scope is required." };
    return { ok: true, email: issuer as string };
  }
}
