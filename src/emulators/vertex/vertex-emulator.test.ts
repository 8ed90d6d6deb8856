import { ApiError, GoogleGenAI } from "@google/genai";
import { gaxios } from "google-auth-library";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendJson } from "../http-io.js";
import { startVertexEmulator, VERTEX_RESOURCE_PREFIX, type VertexEmulator } from "./index.js";

const LOCATION = "us-central1";
let vertex: VertexEmulator;
let ai: GoogleGenAI;

/**
 * google-auth-library posts the JWT exchange to https://oauth2.googleapis.com/token whatever the key
 * says; a transporter of its own (a supported `clientOptions` field) sends it to the emulator instead.
 */
function transporterTo(tokenUrl: string): gaxios.Gaxios {
  const transporter = new gaxios.Gaxios();
  transporter.interceptors.request.add({
    resolved: (request) => {
      if (request.url.href === "https://oauth2.googleapis.com/token") request.url = new URL(tokenUrl);
      return Promise.resolve(request);
    },
  });
  return transporter;
}

beforeAll(async () => {
  vertex = await startVertexEmulator({ project: "demo-project", accessTokens: ["static-token"] });
  ai = new GoogleGenAI({
    vertexai: true,
    project: "demo-project",
    location: LOCATION,
    httpOptions: { baseUrl: vertex.url },
    googleAuthOptions: {
      credentials: {
        client_email: vertex.serviceAccountKey.client_email,
        private_key: vertex.serviceAccountKey.private_key,
      },
      clientOptions: { transporter: transporterTo(vertex.tokenUrl) },
    },
  });
});

afterAll(async () => {
  await vertex.close();
});

beforeEach(() => {
  vertex.faults.clear();
  vertex.faults.resetRequests();
});

describe("Vertex emulator with the official @google/genai SDK (Vertex mode, service-account login)", () => {
  it("generateContent: the project/location path, a minted Bearer token, Vertex's response fields", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hello Vertex" });
    expect(response.text).toContain('You said: "Hello Vertex"');
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.createTime).toEqual(expect.any(String));
    expect(response.usageMetadata?.trafficType).toBe("ON_DEMAND");
    const log = vertex.faults.requests();
    expect(log.last_path).toBe(
      `/v1beta1/projects/demo-project/locations/${LOCATION}/publishers/google/models/gemini-2.5-flash:generateContent`,
    );
    expect(log.last_headers?.["authorization"]).toMatch(/^Bearer ya29\./);
    expect(vertex.tokensMinted()).toBeGreaterThanOrEqual(1);
  });

  it("generateContentStream: SSE chunks with running usage, same text as the whole answer", async () => {
    const request = { model: "gemini-2.5-pro", contents: "Stream from Vertex" };
    const whole = await ai.models.generateContent(request);
    let text = "";
    let last: number | undefined;
    let chunks = 0;
    for await (const chunk of await ai.models.generateContentStream(request)) {
      chunks += 1;
      text += chunk.text ?? "";
      last = chunk.usageMetadata?.candidatesTokenCount;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toBe(whole.text);
    expect(last).toBe(whole.usageMetadata?.candidatesTokenCount);
    expect(vertex.faults.requests().last_path).toContain(":streamGenerateContent?alt=sse");
  });

  it("faults: 429 as the SDK's ApiError with status 429; a blocked prompt", async () => {
    vertex.faults.set({ status: 429, count: 1 });
    const error: unknown = await ai.models
      .generateContent({ model: "gemini-2.5-flash", contents: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    vertex.faults.set({ blocked: true, count: 1 });
    const blocked = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "x" });
    expect(blocked.promptFeedback?.blockReason).toBe("SAFETY");
  });

  it("logins: no token, an unknown token and a foreign project are refused; a static token works", async () => {
    const path = `${vertex.url}/v1/projects/demo-project/locations/${LOCATION}/publishers/google/models/gemini-2.5-flash:generateContent`;
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
    const post = (url: string, authorization?: string) =>
      fetch(url, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          ...(authorization === undefined ? {} : { authorization }),
        },
      });
    const none = await post(path);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    expect((await post(path, "Bearer ya29.forged")).status).toBe(401);
    expect((await post(path, "Bearer static-token")).status).toBe(200);
    const foreign = await post(path.replace("demo-project", "other-project"), "Bearer static-token");
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { status: "PERMISSION_DENIED" } });
  });

  it("the token endpoint refuses an assertion not signed by the service account's key", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const claims = Buffer.from(
      JSON.stringify({
        iss: vertex.serviceAccountKey.client_email,
        aud: "https://oauth2.googleapis.com/token",
        scope: "https://www.googleapis.com/auth/cloud-platform",
        iat: now,
        exp: now + 3600,
      }),
    ).toString("base64url");
    const response = await fetch(vertex.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: `${header}.${claims}.${Buffer.from("not a signature").toString("base64url")}`,
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_grant",
      error_description: "Invalid JWT Signature.",
    });
  });

  it("embeddings through :predict with statistics.token_count", async () => {
    const response = await fetch(
      `${vertex.url}/v1/projects/demo-project/locations/${LOCATION}/publishers/google/models/text-embedding-005:predict`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer static-token" },
        body: JSON.stringify({ instances: [{ content: "alpha" }, { content: "beta" }] }),
      },
    );
    const body = (await response.json()) as {
      predictions: { embeddings: { values: number[]; statistics: { token_count: number } } }[];
    };
    expect(body.predictions).toHaveLength(2);
    expect(body.predictions[0]?.embeddings.values).toHaveLength(768);
    expect(body.predictions[0]?.embeddings.statistics.token_count).toBeGreaterThan(0);
  });

  it("the OpenAI endpoint for open models answers the official openai SDK", async () => {
    const client = new OpenAI({
      apiKey: "static-token",
      baseURL: `${vertex.url}/v1/projects/demo-project/locations/${LOCATION}/endpoints/openapi`,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: "meta/llama-3.3-70b-instruct-maas",
      messages: [{ role: "user", content: "Hi Llama" }],
    });
    expect(completion.choices[0]?.message.content).toContain('You said: "Hi Llama"');
    expect(completion.model).toBe("meta/llama-3.3-70b-instruct-maas");
  });

  it("routes can be added, e.g. Claude's rawPredict, with the same login and faults", async () => {
    vertex.addRoute({
      method: "POST",
      pattern: new RegExp(
        `${VERTEX_RESOURCE_PREFIX}\\/publishers\\/anthropic\\/models\\/([^/:]+):rawPredict$`,
      ),
      operation: "chat",
      handle: (context, body) => sendJson(context.response, 200, {}, { model: context.match[4], echo: body }),
    });
    const url = `${vertex.url}/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict`;
    const ok = await fetch(url, {
      method: "POST",
      headers: { authorization: "Bearer static-token" },
      body: JSON.stringify({ anthropic_version: "vertex-2023-10-16" }),
    });
    expect(await ok.json()).toEqual({
      model: "claude-sonnet-4@20250514",
      echo: { anthropic_version: "vertex-2023-10-16" },
    });
    expect((await fetch(url, { method: "POST", body: "{}" })).status).toBe(401);
  });
});
