import type { ServerResponse } from "node:http";
import { GatewayError } from "../../errors/gateway-error.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { authenticate } from "../../gateway/pipeline.js";
import type { RequestContext } from "./context.js";

/**
 * `GET /metrics`: the Prometheus text exposition (docs/observability.md). `server.metrics` says who
 * may read it: anyone (`open`, as Prometheus scrapes by default), an admin key, or nobody (`off`).
 */
export async function metricsRoute(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const access = services.config.server.metrics;
  if (access === "off") throw new GatewayError("route_not_found", "Unknown request URL: GET /metrics.");
  if (access === "admin") {
    const key = await authenticate(services, context);
    if (!key.admin)
      throw new GatewayError("permission_denied", `The key "${key.name}" may not read the metrics.`);
  }
  const text = await services.metrics.render();
  context.headers.push(
    "content-type",
    services.metrics.contentType,
    "content-length",
    String(Buffer.byteLength(text)),
  );
  response.writeHead(200, context.headers);
  response.end(text);
}
