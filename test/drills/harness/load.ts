import { Agent, request } from "undici";
import { drillKey } from "./drill-fleet.js";

/** One request of a drill's load: which ingress, model and mode, and as which tenant. */
export interface DrillRequest {
  readonly ingress: "openai" | "anthropic";
  readonly model: string;
  readonly stream: boolean;
  /** The client's key (the demo tenant's by default). */
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the client saw. `ok` is false for anything an application would have to handle as an error. */
export interface RequestResult {
  readonly request: DrillRequest;
  /** HTTP status, 0 when the connection failed. */
  readonly status: number;
  readonly ok: boolean;
  /** Why it is not ok: the status and error code, `stream error event`, `truncated stream`, a socket error. */
  readonly failure: string | undefined;
  readonly provider: string | undefined;
  readonly attempts: number;
  readonly latencyMs: number;
}

export interface LoadOptions {
  readonly concurrency: number;
  /** Stops taking new requests once this returns true (for load that runs for a while). */
  readonly stop?: () => boolean;
}

/**
 * A closed-loop load generator: `concurrency` workers, each sending its next request when the last one
 * is finished, over one undici Agent with that many connections per origin. `next(i)` gives the i-th
 * request, or undefined when the load is done.
 */
export async function runLoad(
  url: string,
  next: (index: number) => DrillRequest | undefined,
  options: LoadOptions,
): Promise<RequestResult[]> {
  const agent = new Agent({ connections: options.concurrency, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const results: RequestResult[] = [];
  let index = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.stop?.() === true) return;
      const drillRequest = next(index++);
      if (drillRequest === undefined) return;
      results.push(await send(agent, url, drillRequest, index));
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await agent.close();
  }
  return results;
}

/** `count` requests cycling through every combination of models, ingresses and modes. */
export function mixOf(models: readonly string[], count: number, base: Partial<DrillRequest> = {}) {
  const shapes = models.flatMap((model) =>
    (["openai", "anthropic"] as const).flatMap((ingress) =>
      [false, true].map((stream) => ({ model, ingress, stream, ...base })),
    ),
  );
  return (index: number): DrillRequest | undefined =>
    index < count ? shapes[index % shapes.length] : undefined;
}

/** Like mixOf, without end: for load that runs until `stop`. */
export function endlessMixOf(models: readonly string[], base: Partial<DrillRequest> = {}) {
  return mixOf(models, Number.POSITIVE_INFINITY, base);
}

function bodyFor(drillRequest: DrillRequest, sequence: number): string {
  const messages = [{ role: "user", content: `Drill request ${sequence}: say hello.` }];
  return JSON.stringify(
    drillRequest.ingress === "openai"
      ? { model: drillRequest.model, messages, stream: drillRequest.stream }
      : { model: drillRequest.model, max_tokens: 128, messages, stream: drillRequest.stream },
  );
}

async function send(
  agent: Agent,
  url: string,
  drillRequest: DrillRequest,
  sequence: number,
): Promise<RequestResult> {
  const started = performance.now();
  const path = drillRequest.ingress === "openai" ? "/v1/chat/completions" : "/v1/messages";
  const key = drillRequest.key ?? drillKey;
  const auth: Record<string, string> =
    drillRequest.ingress === "openai"
      ? { authorization: `Bearer ${key}` }
      : { "x-api-key": key, "anthropic-version": "2023-06-01" };
  try {
    const response = await request(`${url}${path}`, {
      dispatcher: agent,
      method: "POST",
      headers: { "content-type": "application/json", ...auth, ...drillRequest.headers },
      body: bodyFor(drillRequest, sequence),
    });
    const text = await response.body.text();
    const header = (name: string): string | undefined => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const failure =
      response.statusCode === 200
        ? checkBody(drillRequest, text)
        : `${response.statusCode} ${errorCode(text) ?? ""}`.trim();
    return {
      request: drillRequest,
      status: response.statusCode,
      ok: failure === undefined,
      failure,
      provider: header("x-switchyard-provider"),
      attempts: Number(header("x-switchyard-attempts") ?? 0),
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    return {
      request: drillRequest,
      status: 0,
      ok: false,
      failure: `socket: ${(error as Error).message}`,
      provider: undefined,
      attempts: 0,
      latencyMs: performance.now() - started,
    };
  }
}

/** Undefined when a 200 body is a whole, well-formed answer; otherwise what is wrong with it. */
function checkBody(drillRequest: DrillRequest, text: string): string | undefined {
  if (drillRequest.stream) {
    if (drillRequest.ingress === "openai") {
      if (/^data: \{"error"/m.test(text)) return "stream error event";
      if (!/"finish_reason":"[a-z_]+"/.test(text) || !text.includes("data: [DONE]"))
        return "truncated stream";
      return undefined;
    }
    if (/^event: error$/m.test(text)) return "stream error event";
    if (!/^event: message_stop$/m.test(text)) return "truncated stream";
    return undefined;
  }
  try {
    const json = JSON.parse(text) as { choices?: { finish_reason?: unknown }[]; stop_reason?: unknown };
    const finished =
      drillRequest.ingress === "openai"
        ? typeof json.choices?.[0]?.finish_reason === "string"
        : typeof json.stop_reason === "string";
    return finished ? undefined : "answer without a finish reason";
  } catch {
    return "200 with a body that is not JSON";
  }
}

function errorCode(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { error?: { code?: unknown; type?: unknown } };
    const code = json.error?.code ?? json.error?.type;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
