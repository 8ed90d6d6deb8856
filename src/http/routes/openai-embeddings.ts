import type { IncomingMessage, ServerResponse } from "node:http";
import { encodeEmbeddingsResponse } from "../../ingress/openai/encode-embeddings-response.js";
import { parseEmbeddingsRequest } from "../../ingress/openai/parse-embeddings-request.js";
import { readModelRequest } from "../body.js";
import { sendJson } from "../respond.js";
import { addRouteHeaders } from "../route-headers.js";
import { planFor, resolveModel, type GatewayServices } from "../services.js";
import type { RequestContext } from "./context.js";

/** `POST /v1/embeddings` */
export async function openaiEmbeddings(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  /** The model named by the URL (an Azure deployment path), which wins over the body's. */
  modelFromPath: string | undefined,
): Promise<void> {
  const key = services.keys.authenticate(request.headers);
  const embeddings = parseEmbeddingsRequest(
    await readModelRequest(
      request,
      services.config.server.bodyLimitBytes,
      context.cancellation,
      modelFromPath,
    ),
  );
  resolveModel(services, key, embeddings.model, "embeddings");
  const planned = planFor(services, key, request.headers, {
    model: embeddings.model,
    capabilities: ["embeddings"],
  });
  // A promise only while the tokenizer loads for the first request that needs it.
  const plan = planned instanceof Promise ? await planned : planned;
  const attempts = context.attempts;
  const { result, route } = await services.executor.embeddings(
    embeddings,
    plan,
    context.cancellation,
    attempts,
  );
  const headers = addRouteHeaders(context.headers, route, attempts.length);
  sendJson(response, 200, encodeEmbeddingsResponse(result, embeddings), headers);
}
