import type { ServerResponse } from "node:http";
import { uuidFrom } from "../hashing.js";

/**
 * An AWS error answer: the status, the exception name sent in `x-amzn-ErrorType`, and the body
 * `{"message": …}` every restJson1 service returns.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
export interface AwsError {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

export function awsError(status: number, type: string, message: string): AwsError {
  return { status, type, message };
}

/** `1 validation error detected: …`, the wording of AWS's generated request validation. */
export function constraintError(value: unknown, path: string, constraint: string): AwsError {
  const shown =
    value === undefined || value === null
      ? "null"
      : typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? `'${value}'`
        : `'${JSON.stringify(value)}'`;
  return awsError(
    400,
    "ValidationException",
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

export function validation(message: string): AwsError {
  return awsError(400, "ValidationException", message);
}

/** Sends an AWS error; the request id is derived from the emulator's name and request number. */
export function sendAwsError(response: ServerResponse, error: AwsError, requestSeed: string): void {
  if (response.destroyed || response.headersSent) return;
  const text = JSON.stringify({ message: error.message });
  response.writeHead(error.status, {
    ...error.headers,
    "x-amzn-requestid": uuidFrom(requestSeed),
    "x-amzn-errortype": `${error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** The error answer for a `status` fault, as Bedrock words each status. */
export function injectedAwsError(
  status: number,
  modelId: string,
  retryAfterSeconds: number | undefined,
): AwsError {
  const error = injectedShape(status, modelId);
  if (retryAfterSeconds !== undefined)
    error.headers = { "retry-after": String(Math.ceil(retryAfterSeconds)) };
  return error;
}

function injectedShape(status: number, modelId: string): AwsError {
  switch (status) {
    case 400:
      return validation("The emulator was told to reject this request.");
    case 403:
      return awsError(
        403,
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
      );
    case 404:
      return awsError(404, "ResourceNotFoundException", `Could not find the model ${modelId}.`);
    case 408:
      return awsError(
        408,
        "ModelTimeoutException",
        "Model has timed out in processing the request. Try your request again.",
      );
    case 424:
      return awsError(
        424,
        "ModelErrorException",
        "The model encountered an error while processing the request.",
      );
    case 429:
      return awsError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    case 500:
      return awsError(
        500,
        "InternalServerException",
        "The server encountered an internal error. Try your request again.",
      );
    case 503:
      return awsError(503, "ServiceUnavailableException", "Bedrock is unable to process your request.");
    default:
      return status >= 500
        ? awsError(
            status,
            "InternalServerException",
            "The server encountered an internal error. Try your request again.",
          )
        : awsError(status, "ValidationException", `The emulator was told to answer HTTP ${status}.`);
  }
}
