import type { ServerResponse } from "node:http";
import { GatewayError } from "../../errors/gateway-error.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireAdminKey } from "../../gateway/pipeline.js";
import { parseReportOptions, renderReport, reportJson, runReport } from "../../ledger/reports/index.js";
import { sendJson } from "../respond.js";
import type { RequestContext } from "./context.js";

/**
 * `GET /admin/reports/{spend|providers|whatif}[?from&to&tenant&by&format=json|csv]`: the CLI's reports
 * over the gateway's own store, for admin keys. Rows still queued in the ledger writer (up to its
 * flush interval) are not in them yet.
 */
export async function adminReport(
  services: GatewayServices,
  response: ServerResponse,
  context: RequestContext,
  kind: string,
  query: URLSearchParams,
): Promise<void> {
  requireAdminKey(context);
  const format = query.get("format") ?? "json";
  if (format !== "json" && format !== "csv")
    throw new GatewayError("invalid_request", `format: "${format}" is not json or csv`, { param: "format" });
  const { kind: report, options } = parseReportOptions(
    kind,
    {
      from: query.get("from") ?? undefined,
      to: query.get("to") ?? undefined,
      tenant: query.get("tenant") ?? undefined,
      by: query.get("by") ?? undefined,
    },
    services.config,
  );
  const store = services.store;
  if (store === undefined)
    throw new GatewayError(
      "route_not_found",
      "This gateway runs without a store: there is no ledger to report on.",
    );
  const rows = store.ledger.rows({
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
  });
  const result = await runReport(report, rows, services.config, options);
  if (format === "json") {
    sendJson(response, 200, reportJson(result), context.headers);
    return;
  }
  const text = renderReport(result, "csv");
  context.headers.push(
    "content-type",
    "text/csv; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(text)),
  );
  response.writeHead(200, context.headers);
  response.end(text);
}
