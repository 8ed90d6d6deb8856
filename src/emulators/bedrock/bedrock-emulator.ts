import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen } from "../listen.js";
import { handleControl } from "../control-routes.js";
import { FaultController, type Fault } from "../fault-controller.js";
import { uuidFrom } from "../hashing.js";
import { flatHeaders, parseJson, readBody, sleep } from "../http-io.js";
import { pacingDelays } from "../stream-writer.js";
import type { Pacing, RunningEmulator } from "../types.js";
import { awsError, injectedAwsError, sendAwsError, validation, type AwsError } from "./aws-errors.js";
import { answerConverse, converseBody, converseStreamEvents, type ConverseAnswer } from "./converse-reply.js";
import { parseConverseRequest, type ConverseCall } from "./converse-request.js";
import { planReply } from "../chat-reply.js";
import { isRecord } from "../chat-request.js";
import { composeThinking, ThinkingSigner, wantsRedacted } from "../claude-thinking.js";
import { PromptCache } from "../prompt-cache.js";
import { countTextTokens } from "../tokens.js";
import {
  checkConverseReasoning,
  converseSegments,
  isClaude,
  readConverseThinking,
} from "./claude-on-converse.js";
import { writeEventStream } from "./event-stream-writer.js";
import {
  invokeClaude,
  invokeClaudeBody,
  invokeClaudeStreamEvents,
  isClaudeModelId,
} from "./invoke-claude.js";
import { invokeEmbeddings } from "./invoke-embeddings.js";
import { verifyLogin, type BedrockCredentials } from "./sigv4.js";

export interface BedrockEmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (ephemeral). */
  port?: number;
  /** `undefined` = no pacing. */
  pacing?: Pacing | undefined;
  /** Label used in ids, e.g. `aws-us-east-1`. Default `bedrock`. */
  name?: string;
  /** The region requests must be signed for. Default `us-east-1`. */
  region?: string;
  credentials: BedrockCredentials;
  /** The secret Claude's reasoning is signed with (default: the one every emulated Claude shares). */
  thinkingSecret?: string;
}

type Operation = "converse" | "converse-stream" | "invoke" | "invoke-with-response-stream";

const routePattern = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

/**
 * Starts a Bedrock runtime emulator: Converse, ConverseStream (binary event stream), InvokeModel for
 * embeddings, and InvokeModel / InvokeModelWithResponseStream for Claude with Anthropic's Messages body,
 * behind SigV4 (or a Bedrock API key), with the shared fault controls.
 */
export async function startBedrockEmulator(options: BedrockEmulatorOptions): Promise<RunningEmulator> {
  const name = options.name ?? "bedrock";
  const region = options.region ?? "us-east-1";
  const { credentials, pacing } = options;
  const faults = new FaultController();
  const signer = new ThinkingSigner(options.thinkingSecret);
  const promptCache = new PromptCache();
  let sequence = 0;

  /** Claude's thinking (checked on replay, added to the answer) and prompt cache, on the Converse path. */
  function claudeFeatures(
    body: Record<string, unknown>,
    modelId: string,
    call: ConverseCall,
    answer: ConverseAnswer,
  ): AwsError | undefined {
    const thinking = readConverseThinking(body, call.chat.maxTokens);
    if ("error" in thinking) return thinking.error;
    const replay = checkConverseReasoning(body, signer, thinking.enabled);
    if (replay !== undefined) return replay;
    if (thinking.enabled) {
      const text = composeThinking(call.chat.messages, planReply(call.chat));
      answer.reasoning = wantsRedacted(call.chat.messages)
        ? { redacted: signer.redact(text) }
        : { text, signature: signer.sign(text) };
      answer.outputTokens += countTextTokens(text);
    }
    // The cache counters appear once a request asks for caching (Bedrock omits them otherwise).
    const segments = converseSegments(body);
    if (!segments.some((segment) => segment.breakpointTtlMs !== undefined)) return undefined;
    const cached = promptCache.use(modelId, segments, answer.inputTokens);
    answer.inputTokens = cached.total;
    answer.cacheRead = cached.read;
    answer.cacheWrite = cached.write;
    return undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawUrl = request.url ?? "/";
    const url = new URL(rawUrl, "http://emulator");
    if (url.pathname.startsWith("/__emulator/"))
      return handleControl(request, response, url.pathname, faults);
    sequence += 1;
    const seed = `${name}:${sequence}`;
    const startedAt = Date.now();
    const controller = new AbortController();
    response.on("close", () => controller.abort());
    const fail = (error: AwsError) => sendAwsError(response, error, seed);

    const rawPath = rawUrl.split("?")[0] ?? "/";
    const match = request.method === "POST" ? routePattern.exec(rawPath) : null;
    if (match === null) {
      request.resume();
      return fail(
        awsError(
          404,
          "UnknownOperationException",
          "The requested operation is not recognized by the service.",
        ),
      );
    }
    let modelId: string;
    try {
      modelId = decodeURIComponent(match[1] ?? "");
    } catch {
      request.resume();
      return fail(validation("The provided model identifier is invalid."));
    }
    const operation = match[2] as Operation;

    const body = await readBody(request);
    if (!body.ok) {
      if (body.reason === "too-large") return fail(validation("Input is too long for requested model."));
      return;
    }
    const json = parseJson(body.text);
    faults.record({ body: json.ok ? json.value : body.text, path: rawUrl, headers: flatHeaders(request) });

    const denied = await verifyLogin(
      request,
      rawPath,
      url.searchParams,
      body.text,
      credentials,
      region,
      new Date(),
    );
    if (denied !== undefined) return fail(denied);

    const stream = operation === "converse-stream" || operation === "invoke-with-response-stream";
    const invoke = operation === "invoke" || operation === "invoke-with-response-stream";
    const claude = invoke && isClaudeModelId(modelId);
    const fault = faults.take({ operation: invoke && !claude ? "embeddings" : "chat", stream });
    if (fault?.latency_ms !== undefined && !(await sleep(fault.latency_ms, controller.signal))) return;
    if (fault?.reset === true) {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.status !== undefined)
      return fail(injectedAwsError(fault.status, modelId, fault.retry_after_s));
    if (!json.ok)
      return fail(validation("Malformed input request, please reformat your input and try again."));
    if (modelId.startsWith("missing-")) {
      return fail(
        awsError(
          404,
          "ResourceNotFoundException",
          "Could not resolve the foundation model from the provided model identifier.",
        ),
      );
    }

    const headers = { "x-amzn-requestid": uuidFrom(seed) };
    if (claude) {
      const invoked = invokeClaude(modelId, json.value, seed, { signer, cache: promptCache });
      if (!invoked.ok) return fail(invoked.error);
      const { reply } = invoked.call;
      if (stream) {
        return writeEventStream(response, invokeClaudeStreamEvents(invoked.call, Date.now() - startedAt), {
          headers: { ...headers, "x-amzn-bedrock-content-type": "application/json" },
          pacing,
          seed,
          signal: controller.signal,
          ...streamFaults(fault),
        });
      }
      const { firstMs, perTokenMs } = pacingDelays(pacing);
      if (!(await sleep(firstMs + reply.outputTokens * perTokenMs, controller.signal))) return;
      const text = JSON.stringify(invokeClaudeBody(invoked.call));
      if (response.destroyed) return;
      response.writeHead(200, {
        ...headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
        "x-amzn-bedrock-input-token-count": String(reply.inputTokens),
        "x-amzn-bedrock-output-token-count": String(reply.outputTokens),
        "x-amzn-bedrock-invocation-latency": String(Date.now() - startedAt),
      });
      response.end(text);
      return;
    }
    if (operation === "invoke-with-response-stream") {
      return fail(validation(`The emulator streams InvokeModel only for Claude models, not ${modelId}.`));
    }
    if (operation === "invoke") {
      const result = invokeEmbeddings(modelId, json.value, seed);
      if (!result.ok) return fail(result.error);
      if (!(await sleep(pacingDelays(pacing).firstMs, controller.signal))) return;
      const text = JSON.stringify(result.body);
      if (response.destroyed) return;
      response.writeHead(200, {
        ...headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
        "x-amzn-bedrock-input-token-count": String(result.inputTokens),
        "x-amzn-bedrock-invocation-latency": String(Date.now() - startedAt),
      });
      response.end(text);
      return;
    }

    const parsed = parseConverseRequest(json.value, modelId, stream);
    if (!parsed.ok) return fail(parsed.error);
    const answer = answerConverse(parsed.call, seed);
    if (isClaude(modelId) && isRecord(json.value)) {
      const failure = claudeFeatures(json.value, modelId, parsed.call, answer);
      if (failure !== undefined) return fail(failure);
    }
    if (stream) {
      return writeEventStream(response, converseStreamEvents(answer, Date.now() - startedAt), {
        headers,
        pacing,
        seed,
        signal: controller.signal,
        ...streamFaults(fault),
      });
    }
    const { firstMs, perTokenMs } = pacingDelays(pacing);
    if (!(await sleep(firstMs + answer.outputTokens * perTokenMs, controller.signal))) return;
    const text = JSON.stringify(converseBody(answer, Date.now() - startedAt));
    if (response.destroyed) return;
    response.writeHead(200, {
      ...headers,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
    });
    response.end(text);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) {
        sendAwsError(
          response,
          awsError(500, "InternalServerException", "Emulator failure."),
          `${name}:failure`,
        );
      } else response.destroy();
    });
  });
  const { url, close } = await listen(server, options.host, options.port);
  return {
    kind: "bedrock",
    name,
    url,
    // The runtime endpoint: what the SDK takes as `endpoint` and a provider as `endpoint`.
    baseUrl: url,
    faults,
    close,
  };
}

function streamFaults(fault: Fault | undefined): {
  cutAfterChunks: number | undefined;
  errorAfterChunks: number | undefined;
} {
  return {
    cutAfterChunks: fault?.cut_after_chunks,
    errorAfterChunks: fault?.stream_error === true ? (fault.stream_error_after_chunks ?? 0) : undefined,
  };
}
