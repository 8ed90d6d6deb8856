import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { type FaultController, faultSchema } from "./fault-controller.js";
import { parseJson, readBody, sendJson } from "./http-io.js";

/**
 * `/__emulator/faults` (GET / PUT / DELETE) and `/__emulator/requests` (GET / DELETE).
 * No auth: these are test controls, not part of any provider's API.
 */
export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  faults: FaultController,
) {
  const method = request.method ?? "GET";
  if (path === "/__emulator/faults") {
    if (method === "GET") return sendJson(response, 200, {}, { fault: faults.current() ?? null });
    if (method === "DELETE") {
      faults.clear();
      return sendJson(response, 200, {}, { fault: null });
    }
    if (method === "PUT" || method === "POST") {
      const body = await readBody(request);
      if (!body.ok) return sendJson(response, 400, {}, controlError("Could not read the request body."));
      const json = parseJson(body.text);
      if (!json.ok) return sendJson(response, 400, {}, controlError("The fault body is not valid JSON."));
      const fault = faultSchema.safeParse(json.value);
      if (!fault.success) return sendJson(response, 400, {}, controlError(z.prettifyError(fault.error)));
      faults.set(fault.data);
      return sendJson(response, 200, {}, { fault: faults.current() ?? null });
    }
  }
  if (path === "/__emulator/requests") {
    if (method === "GET") return sendJson(response, 200, {}, faults.requests());
    if (method === "DELETE") {
      faults.resetRequests();
      return sendJson(response, 200, {}, faults.requests());
    }
  }
  return sendJson(response, 404, {}, controlError(`No emulator control at ${method} ${path}.`));
}

function controlError(message: string) {
  return { error: { message, type: "invalid_request_error", param: null, code: "invalid_fault" } };
}
