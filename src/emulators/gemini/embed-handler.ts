import { isRecord } from "../chat-request.js";
import { embeddingVector } from "../embeddings.js";
import { sendJson, sleep } from "../http-io.js";
import { isMissingModel } from "../models.js";
import { pacingDelays } from "../stream-writer.js";
import { countTextTokens } from "../tokens.js";
import type { WireError } from "../wire-errors.js";
import { invalidArgument, modelNotFound } from "./google-errors.js";
import type { GoogleRouteContext } from "./google-server.js";

/** Google embedding models answer 3072 dimensions (gemini-embedding-001) unless asked for fewer. */
const DEFAULT_DIMENSIONS: Readonly<Record<string, number>> = {
  "text-embedding-005": 768,
  "text-embedding-004": 768,
  "text-multilingual-embedding-002": 768,
};

function dimensionsFor(model: string, requested: unknown): number | WireError {
  if (requested === undefined || requested === null) return DEFAULT_DIMENSIONS[model] ?? 3072;
  if (typeof requested !== "number" || !Number.isInteger(requested) || requested < 1 || requested > 3072)
    return invalidArgument("* output_dimensionality: must be an integer between 1 and 3072\n");
  return requested;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!isRecord(content) || !Array.isArray(content["parts"])) return undefined;
  const texts = content["parts"].filter(isRecord).map((part) => part["text"]);
  return texts.every((text) => typeof text === "string") ? texts.join(" ") : undefined;
}

function field(object: Record<string, unknown>, camel: string): unknown {
  return camel in object
    ? object[camel]
    : object[camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

async function answer(context: GoogleRouteContext, body: unknown): Promise<void> {
  if (!(await sleep(pacingDelays(context.pacing).firstMs, context.signal))) return;
  sendJson(context.response, 200, { vary: "Origin, X-Origin, Referer" }, body);
}

/**
 * Gemini API `:batchEmbedContents` (`{requests:[{model, content, outputDimensionality}]}` →
 * `{embeddings:[{values}]}`) and `:embedContent` (one request → `{embedding:{values}}`). Each request must
 * name the model of the path, as the real API insists.
 * @see https://ai.google.dev/api/embeddings
 */
export async function handleGeminiEmbed(
  context: GoogleRouteContext,
  body: unknown,
  model: string,
  batch: boolean,
): Promise<void> {
  const method = batch ? "batchEmbedContents" : "embedContent";
  if (isMissingModel(model)) return context.sendError(modelNotFound(model, "v1beta", method));
  if (!isRecord(body)) return context.sendError(invalidArgument("Invalid JSON payload received."));
  const requests = batch ? body["requests"] : [body];
  if (!Array.isArray(requests) || requests.length === 0)
    return context.sendError(
      invalidArgument("* BatchEmbedContentsRequest.requests: requests is not specified\n"),
    );
  if (requests.length > 100)
    return context.sendError(
      invalidArgument("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n"),
    );
  const vectors: number[][] = [];
  for (const [index, item] of requests.entries()) {
    if (!isRecord(item))
      return context.sendError(invalidArgument(`* requests[${index}]: must be an object\n`));
    const named = item["model"];
    if (batch && named !== `models/${model}`)
      return context.sendError(
        invalidArgument(
          `Model name in each request must match the model in the batch request. requests[${index}].model: ${String(named)}`,
        ),
      );
    const text = contentText(item["content"]);
    if (text === undefined)
      return context.sendError(invalidArgument(`* requests[${index}].content: content is not specified\n`));
    const dimensions = dimensionsFor(model, field(item, "outputDimensionality"));
    if (typeof dimensions !== "number") return context.sendError(dimensions);
    vectors.push(Array.from(embeddingVector(text, dimensions)));
  }
  return answer(
    context,
    batch
      ? { embeddings: vectors.map((values) => ({ values })) }
      : { embedding: { values: vectors[0] ?? [] } },
  );
}

/**
 * Vertex AI `:predict` for Google embedding models: `{instances:[{content}], parameters}` →
 * `{predictions:[{embeddings:{values, statistics:{token_count, truncated}}}], metadata}`.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 */
export async function handleVertexPredict(
  context: GoogleRouteContext,
  body: unknown,
  model: string,
): Promise<void> {
  if (isMissingModel(model))
    return context.sendError({
      ...modelNotFound(model, "v1", "predict"),
      body: {
        error: {
          code: 404,
          message: `Publisher Model \`projects/${context.match[2] ?? ""}/locations/${context.match[3] ?? ""}/publishers/google/models/${model}\` was not found or your project does not have access to it.`,
          status: "NOT_FOUND",
        },
      },
    });
  if (!isRecord(body) || !Array.isArray(body["instances"]) || body["instances"].length === 0)
    return context.sendError(invalidArgument("instances must be a non-empty list."));
  const parameters = isRecord(body["parameters"]) ? body["parameters"] : {};
  const dimensions = dimensionsFor(model, field(parameters, "outputDimensionality"));
  if (typeof dimensions !== "number") return context.sendError(dimensions);
  if (model.startsWith("gemini-embedding") && body["instances"].length > 1)
    return context.sendError(invalidArgument(`Only one instance is allowed per request for ${model}.`));
  let billable = 0;
  const predictions: unknown[] = [];
  for (const [index, instance] of (body["instances"] as unknown[]).entries()) {
    const text = isRecord(instance) ? instance["content"] : undefined;
    if (typeof text !== "string")
      return context.sendError(invalidArgument(`instances[${index}].content must be a string.`));
    billable += text.length;
    predictions.push({
      embeddings: {
        statistics: { truncated: false, token_count: countTextTokens(text) },
        values: Array.from(embeddingVector(text, dimensions)),
      },
    });
  }
  return answer(context, { predictions, metadata: { billableCharacterCount: billable } });
}
