import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { BedrockProviderConfig } from "../config/types.js";
import { splitUrl, type Transport, type UpstreamCall, type UpstreamRequest } from "./transport.js";

/**
 * A path label as the AWS SDK writes it: `encodeURIComponent` plus `!'()*`, so `:` in a model id goes on
 * the wire as `%3A` and an ARN's `/` as `%2F`.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function operationPath(call: UpstreamCall): string {
  if (call.operation === "embeddings") return "invoke";
  // Claude with Anthropic's Messages body (`api: invoke`): InvokeModel / InvokeModelWithResponseStream.
  if (call.dialect === "bedrock-anthropic") return call.stream ? "invoke-with-response-stream" : "invoke";
  return call.stream ? "converse-stream" : "converse";
}

export interface BedrockTransportOptions {
  /** The signing clock; injected for tests. */
  readonly now?: () => Date;
}

/**
 * AWS Bedrock runtime: `/model/{modelId}/converse`, `/converse-stream`, `/invoke` (embeddings, and Claude
 * with `api: invoke`) and `/invoke-with-response-stream`.
 * Login: SigV4 (service `bedrock`, the provider's region, a session token when configured), computed over
 * exactly the body string that is sent and the `host` of the configured endpoint; or a Bedrock API key as
 * Bearer, with headers built once per path.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/welcome.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function bedrockTransport(
  provider: BedrockProviderConfig,
  options: BedrockTransportOptions = {},
): Transport {
  const url = new URL(provider.baseUrl);
  const { origin, pathPrefix } = splitUrl(provider.baseUrl);
  const baseHeaders: Record<string, string> = { "content-type": "application/json", ...provider.headers };
  const path = (call: UpstreamCall): string =>
    `${pathPrefix}/model/${encodeModelId(call.nativeModel)}/${operationPath(call)}`;
  const credentials = provider.credentials;

  if (credentials.type === "api-key") {
    const headers = { ...baseHeaders, authorization: `Bearer ${credentials.apiKey}` };
    return {
      providerId: provider.id,
      origin,
      prepare: (call) => ({ path: path(call), headers, body: JSON.stringify(call.body) }),
    };
  }

  const signer = new SignatureV4({
    service: "bedrock",
    region: provider.region,
    sha256: Hash.bind(null, "sha256"),
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
  });
  const now = options.now ?? (() => new Date());
  // The signed host must be the one undici sends: the endpoint's host, with its port when not the default.
  const host = url.host;
  const protocol = url.protocol;
  const port = url.port === "" ? undefined : Number(url.port);

  return {
    providerId: provider.id,
    origin,
    prepare: async (call): Promise<UpstreamRequest> => {
      const body = JSON.stringify(call.body);
      const request = new HttpRequest({
        method: "POST",
        protocol,
        hostname: url.hostname,
        ...(port === undefined ? {} : { port }),
        path: path(call),
        headers: { ...baseHeaders, host },
        body,
      });
      const signed = await signer.sign(request, { signingDate: now() });
      return { path: request.path, headers: signed.headers, body };
    },
  };
}
