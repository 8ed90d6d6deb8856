import type { IncomingMessage } from "node:http";
import { handleChat } from "../chat-handler.js";
import type { Exchange } from "../exchange.js";
import { FaultController } from "../fault-controller.js";
import { handleVertexPredict } from "../gemini/embed-handler.js";
import { handleGenerate } from "../gemini/generate-handler.js";
import { googleError } from "../gemini/google-errors.js";
import {
  decodeSegment,
  startGoogleServer,
  type GoogleRoute,
  type GoogleRouteContext,
} from "../gemini/google-server.js";
import { isRecord } from "../chat-request.js";
import { base62, hash32 } from "../hashing.js";
import type { Pacing, RunningEmulator } from "../types.js";
import type { WireError } from "../wire-errors.js";
import { generateServiceAccountKeys, OAuthTokenIssuer, type ServiceAccountKeyFile } from "./oauth.js";

export interface VertexEmulatorOptions {
  /** The project every path must name. Default `switchyard-emulator`. */
  project?: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (ephemeral). */
  port?: number;
  /** `undefined` = answer at once. */
  pacing?: Pacing | undefined;
  /** Seeds ids, tokens and thought signatures. Default `vertex`. */
  name?: string;
  /** Lifetime of minted access tokens. Default 3600 s, as Google's. */
  tokenLifetimeSeconds?: number;
  /** Static Bearer tokens accepted besides minted ones (a provider configured with `access_token`). */
  accessTokens?: readonly string[];
  /** As on the Gemini emulator: default, `gemini-3*` models only. */
  requireThoughtSignatures?: boolean;
  /** More routes, tried before the built-in ones (e.g. Claude's `publishers/anthropic/…:rawPredict`). */
  extraRoutes?: readonly GoogleRoute[];
}

export interface VertexEmulator extends RunningEmulator {
  readonly project: string;
  /** A service-account key file the emulator trusts; its `token_uri` is this emulator's `/token`. */
  readonly serviceAccountKey: ServiceAccountKeyFile;
  /** `${url}/token`: the OAuth endpoint that mints access tokens for the service account. */
  readonly tokenUrl: string;
  /** Access tokens minted so far. */
  tokensMinted(): number;
  /** Adds a route (tried before the built-in ones), e.g. the Anthropic publisher's rawPredict. */
  addRoute(route: GoogleRoute): void;
}

/** `/{v1|v1beta1}/projects/{project}/locations/{location}`: capture groups 1–3 in every Vertex route. */
export const VERTEX_RESOURCE_PREFIX = String.raw`^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)`;

const generatePattern = new RegExp(
  `${VERTEX_RESOURCE_PREFIX}\\/publishers\\/google\\/models\\/([^/:]+):(generateContent|streamGenerateContent)$`,
);
const predictPattern = new RegExp(
  `${VERTEX_RESOURCE_PREFIX}\\/publishers\\/google\\/models\\/([^/:]+):predict$`,
);
const openapiPattern = new RegExp(`${VERTEX_RESOURCE_PREFIX}\\/endpoints\\/openapi\\/chat\\/completions$`);

/**
 * Google Vertex AI on a real socket, for one project in any location:
 * - `POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent`,
 *   `:streamGenerateContent` (`alt=sse` → SSE, otherwise one JSON array), `:predict` (embeddings);
 * - `POST …/endpoints/openapi/chat/completions` (open models; the shared OpenAI chat handler answers,
 *   as an OpenAI-compatible server);
 * - `POST /token`: the OAuth endpoint for the emulator's service account (see `oauth.ts`);
 * - the shared `/__emulator/*` controls.
 * Login: `Authorization: Bearer` with a token minted here (unexpired) or one of `accessTokens`.
 * Claude's `publishers/anthropic/models/{m}:rawPredict|streamRawPredict` is not built in: pass it in
 * `extraRoutes` or `addRoute` (see docs/emulators.md for the wiring to the Anthropic handler).
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest
 */
export async function startVertexEmulator(options: VertexEmulatorOptions = {}): Promise<VertexEmulator> {
  const name = options.name ?? "vertex";
  const project = options.project ?? "switchyard-emulator";
  const faults = new FaultController();
  const signatureSeed = `vertex:${name}`;
  const keys = await generateServiceAccountKeys();
  const staticTokens = new Set(options.accessTokens ?? []);
  const issuer = new OAuthTokenIssuer({ seed: name, lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600 });

  /** The project in the path must be the emulator's: Vertex answers 403 for any other. */
  const projectDenied = (context: GoogleRouteContext): WireError | undefined => {
    const named = decodeSegment(context.match[2]);
    if (named === project) return undefined;
    return googleError(
      403,
      "PERMISSION_DENIED",
      `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com${context.url.pathname}' (or it may not exist).`,
    );
  };

  const builtIn: GoogleRoute[] = [
    {
      method: "POST",
      pattern: /^\/token$/,
      operation: "public",
      handle: (context, body) => issuer.handle(context, typeof body === "string" ? body : ""),
    },
    {
      method: "POST",
      pattern: generatePattern,
      operation: "chat",
      stream: (match) => match[5] === "streamGenerateContent",
      handle: (context, body, fault) => {
        const denied = projectDenied(context);
        if (denied !== undefined) return context.sendError(denied);
        const model = decodeSegment(context.match[4]);
        return handleGenerate(context, body, fault, {
          flavour: "vertex",
          model,
          version: context.match[1] ?? "v1",
          stream: context.match[5] === "streamGenerateContent",
          sse: context.url.searchParams.get("alt") === "sse",
          requireThoughtSignatures: options.requireThoughtSignatures ?? model.startsWith("gemini-3"),
          signatureSeed,
        });
      },
    },
    {
      method: "POST",
      pattern: predictPattern,
      operation: "embeddings",
      handle: (context, body) => {
        const denied = projectDenied(context);
        if (denied !== undefined) return context.sendError(denied);
        return handleVertexPredict(context, body, decodeSegment(context.match[4]));
      },
    },
    {
      method: "POST",
      pattern: openapiPattern,
      operation: "chat",
      stream: (_match, _url, body) => isRecord(body) && body["stream"] === true,
      handle: (context, body, fault) => {
        const denied = projectDenied(context);
        if (denied !== undefined) return context.sendError(denied);
        // Vertex's OpenAI endpoint answers like an OpenAI-compatible server: the shared handler does it.
        const exchange: Exchange = {
          kind: "openai-compatible",
          name,
          sequence: context.sequence,
          startedAt: Date.now(),
          pacing: context.pacing,
          deployment: undefined,
          request: context.request,
          response: context.response,
          signal: context.signal,
          sendError: (error) => context.sendError(error),
        };
        return handleChat(exchange, body, fault);
      },
    },
  ];
  const routes: GoogleRoute[] = [...(options.extraRoutes ?? []), ...builtIn];

  const authorize = (request: IncomingMessage): WireError | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
    const token = match?.[1];
    if (token === undefined) {
      return googleError(
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    if (staticTokens.has(token) || issuer.isValid(token)) return undefined;
    return googleError(
      401,
      "UNAUTHENTICATED",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    );
  };

  const server = await startGoogleServer({
    name,
    host: options.host,
    port: options.port,
    pacing: options.pacing,
    faults,
    routes,
    authorize,
  });
  const tokenUrl = `${server.url}/token`;
  issuer.addAudience(tokenUrl);
  const clientEmail = `switchyard-emulator@${project}.iam.gserviceaccount.com`;
  issuer.register(clientEmail, keys.publicKey);
  const serviceAccountKey: ServiceAccountKeyFile = {
    type: "service_account",
    project_id: project,
    private_key_id: base62(`${name}:key-id`, 40).toLowerCase(),
    private_key: keys.privateKey,
    client_email: clientEmail,
    client_id: String(hash32(`${name}:client`)).padStart(21, "1"),
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: tokenUrl,
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    universe_domain: "googleapis.com",
  };
  return {
    kind: "vertex",
    name,
    url: server.url,
    baseUrl: server.url,
    faults,
    project,
    serviceAccountKey,
    tokenUrl,
    tokensMinted: () => issuer.minted,
    addRoute: (route) => {
      routes.unshift(route);
    },
    close: () => server.close(),
  };
}
