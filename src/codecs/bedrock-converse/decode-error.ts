import type { UpstreamErrorResponse } from "../codec.js";
import { ownEntry } from "../wire-json.js";
import type { ErrorCode } from "../../errors/codes.js";
import { GatewayError } from "../../errors/gateway-error.js";
import type { AwsEventStreamMessage } from "../framing/aws-event-stream.js";
import { codeForHttpStatus, parseErrorBody, upstreamError } from "../upstream-error.js";
import { isObject } from "./wire.js";

/**
 * Bedrock's error names → codes. The runtime's modeled exceptions, the AWS front end's login errors, and
 * the camel-cased names exceptions have inside an event stream (`throttlingException`), which are the
 * same errors met after the HTTP 200.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 */
const codesByName: Readonly<Record<string, ErrorCode>> = {
  validationexception: "upstream_invalid_request",
  conflictexception: "upstream_invalid_request",
  servicequotaexceededexception: "upstream_rejected",
  accessdeniedexception: "upstream_auth_failed",
  unrecognizedclientexception: "upstream_auth_failed",
  invalidsignatureexception: "upstream_auth_failed",
  incompletesignatureexception: "upstream_auth_failed",
  missingauthenticationtokenexception: "upstream_auth_failed",
  expiredtokenexception: "upstream_auth_failed",
  resourcenotfoundexception: "upstream_model_not_found",
  modeltimeoutexception: "upstream_timeout",
  modelerrorexception: "upstream_server_error",
  modelnotreadyexception: "upstream_rate_limited",
  throttlingexception: "upstream_rate_limited",
  internalserverexception: "upstream_server_error",
  serviceunavailableexception: "upstream_unavailable",
  modelstreamerrorexception: "upstream_stream_error",
};

/** The code for a Bedrock exception name, case-insensitively; undefined when the name is unknown. */
export function codeForExceptionName(name: string | undefined): ErrorCode | undefined {
  return ownEntry(codesByName, name?.toLowerCase());
}

function header(headers: UpstreamErrorResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The error name as the AWS SDK finds it: `x-amzn-errortype` (up to the first `:`), else the body's
 * `code` or `__type` (after the last `#`).
 */
function errorName(response: UpstreamErrorResponse, body: unknown): string | undefined {
  const clean = (value: string): string | undefined => {
    const name = value.split(":")[0]?.split("#").at(-1)?.trim();
    return name === undefined || name === "" ? undefined : name;
  };
  const fromHeader = header(response.headers, "x-amzn-errortype");
  if (fromHeader !== undefined) return clean(fromHeader);
  if (!isObject(body)) return undefined;
  for (const field of ["code", "__type"]) {
    const value = body[field];
    if (typeof value === "string") return clean(value);
  }
  return undefined;
}

/**
 * A Bedrock non-2xx answer → GatewayError: the exception name decides the code (the status where the
 * name is unknown or absent, as behind a proxy). Bedrock sends no Retry-After, but one added by a proxy
 * in front of it is kept.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
export function decodeBedrockError(response: UpstreamErrorResponse): GatewayError {
  const body = parseErrorBody(response.body);
  const name = errorName(response, body);
  const code = codeForExceptionName(name) ?? codeForHttpStatus(response.status);
  const wireMessage = isObject(body) ? (body["message"] ?? body["Message"]) : undefined;
  const message =
    typeof wireMessage === "string" && wireMessage !== ""
      ? name === undefined
        ? wireMessage
        : `${name}: ${wireMessage}`
      : `${response.provider} answered HTTP ${response.status}${name === undefined ? "" : ` (${name})`}`;
  return upstreamError(response, code, message);
}

/**
 * An exception message inside a Bedrock event stream (Converse or InvokeModel alike): its type names
 * the error, its payload (or the `:error-message` header) says what happened.
 */
export function streamExceptionError(message: AwsEventStreamMessage): GatewayError {
  const payload = isObject(message.payload) ? message.payload : {};
  const name = message.exceptionType ?? message.errorCode;
  const text = payload["message"] ?? payload["Message"] ?? message.errorMessage;
  const detail =
    typeof text === "string" && text !== "" ? text : "the upstream reported an error inside the stream";
  return new GatewayError(
    codeForExceptionName(name) ?? "upstream_stream_error",
    name === undefined ? detail : `${name}: ${detail}`,
  );
}
