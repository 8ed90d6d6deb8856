import type { InvalidRequest } from "./chat-request.js";
import type { EmulatorKind } from "./types.js";

/** A complete error answer: status, headers and the provider's JSON envelope. */
export interface WireError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const openaiEnvelope = (message: string, type: string | null, param: string | null, code: string | null) => ({
  error: { message, type, param, code },
});

/** 400 for a request the emulator refuses; Azure relays OpenAI's body shape for these. */
export function invalidRequest(error: InvalidRequest): WireError {
  return {
    status: 400,
    headers: {},
    body: openaiEnvelope(error.message, "invalid_request_error", error.param, error.code),
  };
}

export function invalidJson(): WireError {
  return invalidRequest({
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please visit https://community.openai.com/c/api/7.)",
    param: null,
    code: null,
  });
}

/** @see https://learn.microsoft.com/azure/ai-services/openai/reference (401 / 404 bodies are Azure's own). */
export function unauthorized(kind: EmulatorKind, presented: string | undefined): WireError {
  if (kind === "azure") {
    return {
      status: 401,
      headers: {},
      body: {
        error: {
          code: "401",
          message:
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        },
      },
    };
  }
  const message =
    presented === undefined || presented === ""
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
      : `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return {
    status: 401,
    headers: {},
    body: openaiEnvelope(message, "invalid_request_error", null, "invalid_api_key"),
  };
}

export function modelNotFound(kind: EmulatorKind, model: string): WireError {
  if (kind === "azure") {
    return {
      status: 404,
      headers: {},
      body: {
        error: {
          code: "DeploymentNotFound",
          message:
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
        },
      },
    };
  }
  return {
    status: 404,
    headers: {},
    body: openaiEnvelope(
      `The model \`${model}\` does not exist or you do not have access to it.`,
      "invalid_request_error",
      null,
      "model_not_found",
    ),
  };
}

/**
 * Chat Completions asked for a model served only through the Responses API. OpenAI answers 404 on
 * `model`; Azure refuses the operation for the deployment's model with a 400 `OperationNotSupported`.
 */
export function responsesOnlyModel(kind: EmulatorKind, model: string): WireError {
  if (kind === "azure") {
    return {
      status: 400,
      headers: {},
      body: {
        error: {
          code: "OperationNotSupported",
          message: `The chatCompletion operation does not work with the specified model, ${model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
        },
      },
    };
  }
  return {
    status: 404,
    headers: {},
    body: openaiEnvelope(
      "This model is only supported in v1/responses and not in v1/chat/completions.",
      "invalid_request_error",
      "model",
      null,
    ),
  };
}

/** Unknown path (and, on Azure, a classic route without `api-version`). */
export function routeNotFound(kind: EmulatorKind, method: string, path: string): WireError {
  if (kind === "azure")
    return { status: 404, headers: {}, body: { error: { code: "404", message: "Resource not found" } } };
  return {
    status: 404,
    headers: {},
    body: openaiEnvelope(`Invalid URL (${method} ${path})`, "invalid_request_error", null, null),
  };
}

export function bodyTooLarge(): WireError {
  return {
    status: 413,
    headers: {},
    body: openaiEnvelope("Request body too large.", "invalid_request_error", null, null),
  };
}

/** The error an injected `status` fault produces, in the provider's envelope. */
export function injectedError(
  kind: EmulatorKind,
  status: number,
  model: string,
  retryAfterSeconds: number | undefined,
): WireError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(Math.ceil(retryAfterSeconds));
    if (kind === "azure") headers["retry-after-ms"] = String(Math.round(retryAfterSeconds * 1000));
  }
  const wait = retryAfterSeconds ?? 1;
  let error: WireError;
  if (status === 401) error = unauthorized(kind, "injected-fault");
  else if (status === 404) error = modelNotFound(kind, model);
  else if (status === 429) error = rateLimited(kind, model, wait);
  else if (status === 400) {
    error = invalidRequest({
      message: "The emulator was told to reject this request (injected fault).",
      param: null,
      code: null,
    });
  } else if (status >= 500) {
    error = {
      status,
      headers: {},
      body: openaiEnvelope(
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        null,
        "server_error",
      ),
    };
  } else if (kind === "azure") {
    error = {
      status,
      headers: {},
      body: { error: { code: String(status), message: `Injected fault (HTTP ${status}).` } },
    };
  } else {
    error = {
      status,
      headers: {},
      body: openaiEnvelope(`Injected fault (HTTP ${status}).`, "invalid_request_error", null, null),
    };
  }
  return { status, headers: { ...error.headers, ...headers }, body: error.body };
}

function rateLimited(kind: EmulatorKind, model: string, waitSeconds: number): WireError {
  if (kind === "azure") {
    const message = `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${Math.ceil(waitSeconds)} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`;
    return { status: 429, headers: {}, body: { error: { code: "429", message } } };
  }
  const message = `Rate limit reached for ${model} in organization org-emulator on requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again in ${Math.ceil(waitSeconds * 1000)}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  return { status: 429, headers: {}, body: openaiEnvelope(message, "requests", null, "rate_limit_exceeded") };
}

/** The in-stream error event OpenAI sends inside a 200 stream. */
export function streamErrorEvent(): unknown {
  return {
    error: {
      message: "The server had an error while processing your request. Sorry about that!",
      type: "server_error",
      code: "server_error",
    },
  };
}

function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}
