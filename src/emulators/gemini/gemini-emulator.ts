import type { IncomingMessage } from "node:http";
import { FaultController } from "../fault-controller.js";
import { sendJson } from "../http-io.js";
import { isMissingModel } from "../models.js";
import { countPromptTokens } from "../tokens.js";
import type { Pacing, RunningEmulator } from "../types.js";
import type { WireError } from "../wire-errors.js";
import { handleGeminiEmbed } from "./embed-handler.js";
import { handleGenerate } from "./generate-handler.js";
import { parseGenerateRequest } from "./generate-request.js";
import { googleError, invalidArgument, modelNotFound } from "./google-errors.js";
import { decodeSegment, startGoogleServer, type GoogleRoute } from "./google-server.js";

export interface GeminiEmulatorOptions {
  /** The key clients must present in `x-goog-api-key` or `?key=`. */
  apiKey: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (ephemeral). */
  port?: number;
  /** `undefined` = answer at once. */
  pacing?: Pacing | undefined;
  /** Seeds ids and thought signatures. Default `gemini`. */
  name?: string;
  /**
   * Refuse replayed function calls without the thought signature this emulator issued: always (`true`),
   * never (`false`), or — the default — for `gemini-3*` models only, as the real API does.
   */
  requireThoughtSignatures?: boolean;
}

/** Models `GET /v1beta/models` lists; any other id is served too, except `missing-*`. */
const LISTED = [
  { id: "gemini-2.5-flash", name: "Gemini 2.5 Flash", input: 1_048_576, output: 65_536, chat: true },
  { id: "gemini-2.5-pro", name: "Gemini 2.5 Pro", input: 1_048_576, output: 65_536, chat: true },
  {
    id: "gemini-2.5-flash-lite",
    name: "Gemini 2.5 Flash-Lite",
    input: 1_048_576,
    output: 65_536,
    chat: true,
  },
  { id: "gemini-3-pro-preview", name: "Gemini 3 Pro Preview", input: 1_048_576, output: 65_536, chat: true },
  { id: "gemini-embedding-001", name: "Gemini Embedding 001", input: 2_048, output: 1, chat: false },
  { id: "text-embedding-004", name: "Text Embedding 004", input: 2_048, output: 1, chat: false },
];

function modelResource(
  model: (typeof LISTED)[number] | { id: string; name: string; input: number; output: number; chat: boolean },
) {
  return {
    name: `models/${model.id}`,
    version: "001",
    displayName: model.name,
    description: `${model.name}, served by the Switchyard emulator.`,
    inputTokenLimit: model.input,
    outputTokenLimit: model.output,
    supportedGenerationMethods: model.chat
      ? ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
      : ["embedContent", "countTextTokens", "countTokens"],
  };
}

/** `x-goog-api-key` first, then `?key=` (both are what the real API accepts). */
function presentedKey(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers["x-goog-api-key"];
  if (typeof header === "string" && header !== "") return header;
  return url.searchParams.get("key") ?? undefined;
}

/**
 * The Gemini API (generativelanguage.googleapis.com) on a real socket:
 * `POST /{v1beta|v1|v1alpha}/models/{m}:generateContent`, `:streamGenerateContent` (`alt=sse` → SSE,
 * otherwise one JSON array), `:batchEmbedContents`, `:embedContent`, `:countTokens`;
 * `GET /{version}/models[/{m}]`; and the shared `/__emulator/*` controls.
 * @see https://ai.google.dev/api
 */
export async function startGeminiEmulator(options: GeminiEmulatorOptions): Promise<RunningEmulator> {
  const name = options.name ?? "gemini";
  const faults = new FaultController();
  const signatureSeed = `gemini:${name}`;

  const routes: GoogleRoute[] = [
    {
      method: "POST",
      pattern:
        /^\/(v1beta|v1|v1alpha)\/(?:models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent)$/,
      operation: "chat",
      stream: (match) => match[3] === "streamGenerateContent",
      handle: (context, body, fault) => {
        const model = decodeSegment(context.match[2]);
        return handleGenerate(context, body, fault, {
          flavour: "gemini",
          model,
          version: context.match[1] ?? "v1beta",
          stream: context.match[3] === "streamGenerateContent",
          sse: context.url.searchParams.get("alt") === "sse",
          requireThoughtSignatures: options.requireThoughtSignatures ?? model.startsWith("gemini-3"),
          signatureSeed,
        });
      },
    },
    {
      method: "POST",
      pattern: /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(batchEmbedContents|embedContent)$/,
      operation: "embeddings",
      handle: (context, body) =>
        handleGeminiEmbed(
          context,
          body,
          decodeSegment(context.match[2]),
          context.match[3] === "batchEmbedContents",
        ),
    },
    {
      method: "POST",
      pattern: /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):countTokens$/,
      operation: "chat",
      handle: (context, body) => {
        const model = decodeSegment(context.match[2]);
        if (isMissingModel(model))
          return context.sendError(modelNotFound(model, context.match[1] ?? "v1beta", "countTokens"));
        // countTokens takes `contents` directly or a whole `generateContentRequest`.
        const request =
          typeof body === "object" && body !== null && "generateContentRequest" in body
            ? body.generateContentRequest
            : body;
        const parsed = parseGenerateRequest(request, model, false);
        if (!parsed.ok) return context.sendError(invalidArgument(parsed.message));
        const totalTokens = countPromptTokens(parsed.request.chat.messages, parsed.request.chat.rawTools);
        sendJson(
          context.response,
          200,
          {},
          {
            totalTokens,
            promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }],
          },
        );
      },
    },
    {
      method: "GET",
      pattern: /^\/(v1beta|v1|v1alpha)\/models$/,
      operation: "models",
      handle: (context) => sendJson(context.response, 200, {}, { models: LISTED.map(modelResource) }),
    },
    {
      method: "GET",
      pattern: /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+)$/,
      operation: "models",
      handle: (context) => {
        const id = decodeSegment(context.match[2]);
        if (isMissingModel(id))
          return context.sendError(modelNotFound(id, context.match[1] ?? "v1beta", "get"));
        const listed = LISTED.find((model) => model.id === id);
        sendJson(
          context.response,
          200,
          {},
          modelResource(listed ?? { id, name: id, input: 1_048_576, output: 65_536, chat: true }),
        );
      },
    },
  ];

  const authorize = (request: IncomingMessage, url: URL): WireError | undefined => {
    const key = presentedKey(request, url);
    if (key === undefined || key === "") {
      return googleError(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key === options.apiKey) return undefined;
    return googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
    ]);
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
  return { kind: "gemini", name, url: server.url, baseUrl: server.url, faults, close: () => server.close() };
}
