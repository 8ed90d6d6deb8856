import type { WireError } from "../wire-errors.js";

/**
 * Google's error envelope, `{"error":{"code","message","status","details"?}}`, as the Gemini API and
 * Vertex AI send it (written here independently of the gateway's decoder).
 * @see https://cloud.google.com/apis/design/errors#http_mapping
 */
export function googleError(code: number, status: string, message: string, details?: unknown[]): WireError {
  const error: Record<string, unknown> = { code, message, status };
  if (details !== undefined) error["details"] = details;
  return { status: code, headers: {}, body: { error } };
}

/** The canonical status name Google uses for an HTTP status. */
export function statusName(code: number): string {
  switch (code) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

export function invalidArgument(message: string): WireError {
  return googleError(400, "INVALID_ARGUMENT", message);
}

export function modelNotFound(model: string, version: string, method: string): WireError {
  return googleError(
    404,
    "NOT_FOUND",
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

export function pathNotFound(method: string, path: string): WireError {
  return googleError(404, "NOT_FOUND", `The requested URL ${path} (${method}) was not found on this server.`);
}

/** The error an injected `status` fault produces: 429 carries QuotaFailure and RetryInfo, as Google's does. */
export function injectedGoogleError(code: number, retryAfterSeconds: number | undefined): WireError {
  const status = statusName(code);
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.ceil(retryAfterSeconds));
  let error: WireError;
  if (code === 429) {
    const wait = Math.ceil(retryAfterSeconds ?? 1);
    error = googleError(
      429,
      status,
      `You exceeded your current quota, please check your plan and billing details. Please retry in ${wait}s.`,
      [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              quotaMetric: "generativelanguage.googleapis.com/generate_content_requests",
              quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
            },
          ],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${wait}s` },
      ],
    );
  } else if (code === 503) {
    error = googleError(503, status, "The model is overloaded. Please try again later.");
  } else if (code >= 500) {
    error = googleError(
      code,
      status,
      "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    );
  } else {
    error = googleError(
      code,
      status,
      `The emulator was told to reject this request (injected fault, HTTP ${code}).`,
    );
  }
  return { ...error, headers };
}

/** The error object a stream carries when it fails inside a 200 (js-genai raises it while iterating). */
export function streamErrorBody(): unknown {
  return {
    error: { code: 500, message: "An internal error has occurred. Please retry.", status: "INTERNAL" },
  };
}
