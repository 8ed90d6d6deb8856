import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayServices } from "../../gateway/compose.js";
import { serveEmbeddings } from "../../gateway/pipeline.js";
import { encodeEmbeddingsResponse } from "../../ingress/openai/encode-embeddings-response.js";
import { parseEmbeddingsRequest } from "../../ingress/openai/parse-embeddings-request.js";
import { readModelRequest } from "../body.js";
import type { RequestContext } from "./context.js";

/** `POST /v1/embeddings` (and Azure's deployment paths) */
export async function openaiEmbeddings(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  /** The model named by the URL (an Azure deployment path), which wins over the body's. */
  modelFromPath: string | undefined,
): Promise<void> {
  const body = await readModelRequest(
    request,
    services.config.server.bodyLimitBytes,
    context.cancellation,
    modelFromPath,
  );
  await serveEmbeddings(services, response, context, parseEmbeddingsRequest(body), encodeEmbeddingsResponse);
}
