import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { sha256 } from "../hashing.js";
import { awsError, type AwsError } from "./aws-errors.js";

export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** A Bedrock API key accepted as `Authorization: Bearer`. */
  apiKey?: string | undefined;
}

const SKEW_MS = 5 * 60 * 1000;
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | string {
  const fields = new Map<string, string>();
  for (const part of value.slice("AWS4-HMAC-SHA256 ".length).split(",")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== undefined && key !== "") fields.set(key, rest.join("="));
  }
  for (const required of ["Credential", "SignedHeaders", "Signature"]) {
    if (!fields.has(required)) {
      return `Authorization header requires '${required}' parameter. Authorization=${value.slice(0, 40)}`;
    }
  }
  const [accessKeyId, date, region, service, terminator] = (fields.get("Credential") ?? "").split("/");
  if (accessKeyId === undefined || date === undefined || region === undefined || service === undefined) {
    return "Credential should be scoped to a valid region. ";
  }
  if (terminator !== "aws4_request")
    return "Credential should be scoped with a valid terminator: 'aws4_request'. ";
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (fields.get("SignedHeaders") ?? "").split(";"),
    signature: fields.get("Signature") ?? "",
  };
}

/** `20240101T000000Z` → a Date, or undefined. */
function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, year = 0, month = 1, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const amzDate = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Checks a request's login as Bedrock's front end does, and returns the AWS error to answer, or
 * undefined when the request may proceed. SigV4 is recomputed with the official signer from the secret
 * the emulator knows, over the raw path (double-encoded by the signer), the headers the client says it
 * signed, and the body bytes received; a declared `x-amz-content-sha256` must match the body.
 * A Bearer token must equal the configured Bedrock API key. Session tokens are accepted as signed.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
 */
export async function verifyLogin(
  request: IncomingMessage,
  rawPath: string,
  query: URLSearchParams,
  body: string,
  credentials: BedrockCredentials,
  region: string,
  now: Date,
): Promise<AwsError | undefined> {
  const authorization = headerValue(request, "authorization");
  if (authorization === undefined || authorization === "") {
    return awsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  if (authorization.startsWith("Bearer ")) {
    const presented = Buffer.from(authorization.slice("Bearer ".length).trim());
    const expected = Buffer.from(credentials.apiKey ?? "");
    const ok =
      expected.length > 0 && presented.length === expected.length && timingSafeEqual(presented, expected);
    return ok ? undefined : awsError(403, "UnrecognizedClientException", INVALID_TOKEN);
  }
  if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
    return awsError(
      403,
      "IncompleteSignatureException",
      `Authorization header requires a supported algorithm.`,
    );
  }
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === "string") return awsError(403, "IncompleteSignatureException", parsed);
  if (parsed.accessKeyId !== credentials.accessKeyId) {
    return awsError(403, "UnrecognizedClientException", INVALID_TOKEN);
  }
  if (parsed.service !== "bedrock") {
    return awsError(
      403,
      "InvalidSignatureException",
      "Credential should be scoped to correct service: 'bedrock'. ",
    );
  }
  if (parsed.region !== region) {
    return awsError(
      403,
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${parsed.region}'. `,
    );
  }
  const dateText = headerValue(request, "x-amz-date");
  const signedAt = dateText === undefined ? undefined : parseAmzDate(dateText);
  if (dateText === undefined || signedAt === undefined) {
    return awsError(
      403,
      "IncompleteSignatureException",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (!parsed.signedHeaders.includes("host")) {
    return awsError(
      403,
      "InvalidSignatureException",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (Math.abs(now.getTime() - signedAt.getTime()) > SKEW_MS) {
    const earliest = amzDate(new Date(now.getTime() - SKEW_MS));
    return awsError(
      403,
      "InvalidSignatureException",
      `Signature expired: ${dateText} is now earlier than ${earliest} (${amzDate(now)} - 5 min.)`,
    );
  }
  const declaredHash = headerValue(request, "x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== sha256(body).toString("hex")) {
    return awsError(403, "InvalidSignatureException", SIGNATURE_MISMATCH);
  }
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(request, name);
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({
    service: "bedrock",
    region,
    sha256: Hash.bind(null, "sha256"),
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    applyChecksum: false,
  });
  const queryObject: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    queryObject[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  const signed = await signer.sign(
    new HttpRequest({ method: request.method ?? "POST", path: rawPath, query: queryObject, headers, body }),
    { signingDate: signedAt, signableHeaders: new Set(parsed.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(signed.headers["authorization"] ?? "")?.[1] ?? "";
  const matches =
    expected.length === parsed.signature.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature));
  return matches ? undefined : awsError(403, "InvalidSignatureException", SIGNATURE_MISMATCH);
}
