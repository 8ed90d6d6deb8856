import type { JWT } from "google-auth-library";
import { authFailedMessage } from "../codecs/upstream-error.js";
import { GatewayError } from "../errors/gateway-error.js";

/** The token endpoint google-auth-library posts to, whatever the key file says. */
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** A token is replaced this long before it expires, so no request leaves with one about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** An OAuth2 access token for Google APIs: at once while a fresh one is cached, else a promise. */
export interface AccessTokenSource {
  token(): string | Promise<string>;
}

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

function parseKey(keyJson: string): ServiceAccountKey {
  const key = JSON.parse(keyJson) as Partial<ServiceAccountKey>;
  if (typeof key.client_email !== "string" || typeof key.private_key !== "string")
    throw new Error("the service-account key needs client_email and private_key");
  return key as ServiceAccountKey;
}

export interface ServiceAccountTokenOptions {
  /** The provider id, for error messages. */
  readonly provider: string;
  /** Wall-clock milliseconds (token expiry is wall-clock); injected for tests. */
  readonly now?: () => number;
}

/**
 * Access tokens minted from a service-account key with google-auth-library (a JWT signed with the key,
 * exchanged at the token endpoint for a one-hour token, scope cloud-platform).
 *
 * The token is cached until five minutes before it expires; concurrent requests that find no fresh
 * token share one mint. google-auth-library 10 always posts to https://oauth2.googleapis.com/token and
 * ignores the key's `token_uri`; when the key names another endpoint (an emulator, a private-service
 * proxy), a request interceptor on the client's own transporter sends the exchange there instead.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export function serviceAccountTokenSource(
  keyJson: string,
  options: ServiceAccountTokenOptions,
): AccessTokenSource {
  const key = parseKey(keyJson);
  const now = options.now ?? Date.now;
  // google-auth-library (and its HTTP stack) loads with the first token, not with the gateway.
  let loading: Promise<JWT> | undefined;
  const loadClient = (): Promise<JWT> =>
    (loading ??= import("google-auth-library").then(({ JWT: Client }) => {
      const client = new Client({
        email: key.client_email,
        key: key.private_key,
        ...(key.private_key_id === undefined ? {} : { keyId: key.private_key_id }),
        scopes: [CLOUD_PLATFORM_SCOPE],
        eagerRefreshThresholdMillis: REFRESH_MARGIN_MS,
      });
      const tokenUri = key.token_uri;
      if (tokenUri !== undefined && tokenUri !== "" && tokenUri !== GOOGLE_TOKEN_URL) {
        const target = new URL(tokenUri);
        client.transporter.interceptors.request.add({
          resolved: (request) => {
            if (request.url.href === GOOGLE_TOKEN_URL) request.url = new URL(target);
            return Promise.resolve(request);
          },
        });
      }
      return client;
    }));

  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const mint = async (): Promise<string> => {
    try {
      // authorize() always exchanges a new assertion; the cache above decides when that is needed.
      const client = await loadClient();
      const credentials = await client.authorize();
      const token = credentials.access_token;
      if (typeof token !== "string" || token === "")
        throw new Error("the token endpoint returned no access_token");
      const expiry =
        typeof credentials.expiry_date === "number" ? credentials.expiry_date : now() + 3_600_000;
      cached = { token, refreshAt: expiry - REFRESH_MARGIN_MS };
      return token;
    } catch (error) {
      throw tokenError(error, options.provider);
    }
  };

  return {
    token(): string | Promise<string> {
      if (cached !== undefined && now() < cached.refreshAt) return cached.token;
      inFlight ??= mint().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** A refused exchange (bad key, revoked account) moves to another provider; a network failure is retried. */
function tokenError(error: unknown, provider: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  const detail = error instanceof Error ? error.message : String(error);
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new GatewayError("upstream_auth_failed", authFailedMessage(provider, status), {
      provider,
      upstreamStatus: status,
      detail: `Google refused the service-account login (${detail})`,
      cause: error,
    });
  }
  return new GatewayError(
    "upstream_connection_failed",
    `${provider}: the Google token exchange failed (${detail})`,
    {
      provider,
      cause: error,
    },
  );
}
