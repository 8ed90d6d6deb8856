import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError } from "../../errors/gateway-error.js";
import type { GatewayServices } from "../../gateway/compose.js";
import { requireAdminKey } from "../../gateway/pipeline.js";
import { DirectoryAdmin, DirectoryInputError } from "../../governance/directory-admin.js";
import { readJsonBody } from "../body.js";
import { sendJson } from "../respond.js";
import type { RequestContext } from "./context.js";

/*
 * `/admin/keys` and `/admin/tenants`, for admin keys: the same operations as `switchyard keys|tenants`
 * (governance/directory-admin.ts). A change made here holds on this gateway at once; other gateways
 * on the same store see it within `governance.refresh_ms`.
 */

export type DirectoryOperation =
  | { readonly kind: "keys.list" }
  | { readonly kind: "keys.create" }
  | { readonly kind: "keys.show"; readonly id: string }
  | { readonly kind: "keys.rotate"; readonly id: string }
  | { readonly kind: "keys.revoke"; readonly id: string }
  | { readonly kind: "tenants.list" }
  | { readonly kind: "tenants.create" }
  | { readonly kind: "tenants.show"; readonly id: string }
  | { readonly kind: "tenants.update"; readonly id: string };

export async function adminDirectory(
  services: GatewayServices,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  operation: DirectoryOperation,
  query: URLSearchParams,
): Promise<void> {
  requireAdminKey(context);
  const store = services.store;
  if (store === undefined)
    throw new GatewayError(
      "route_not_found",
      "This gateway runs without a store: keys and tenants live in its configuration file.",
    );
  const admin = new DirectoryAdmin({ config: services.config, store: store.directory });
  const body = (): Promise<unknown> =>
    readJsonBody(request, services.config.server.bodyLimitBytes, context.cancellation);
  try {
    switch (operation.kind) {
      case "keys.list": {
        const tenant = query.get("tenant") ?? undefined;
        sendJson(response, 200, { object: "list", data: await admin.listKeys({ tenant }) }, context.headers);
        return;
      }
      case "keys.create": {
        const created = await admin.createKey(await body());
        await services.directory.refresh();
        sendJson(response, 201, created, context.headers);
        return;
      }
      case "keys.show": {
        const shown = await admin.showKey(operation.id);
        const key = services.directory.key(shown.id);
        const budgets = key === undefined ? [] : await services.governor.budgetsOf(key, services.clock());
        sendJson(response, 200, { ...shown, budget_state: budgets.map(budgetJson) }, context.headers);
        return;
      }
      case "keys.rotate": {
        const rotated = await admin.rotateKey(operation.id);
        await services.directory.refresh();
        sendJson(response, 200, rotated, context.headers);
        return;
      }
      case "keys.revoke": {
        const revoked = await admin.revokeKey(operation.id);
        await services.directory.refresh();
        sendJson(response, 200, revoked, context.headers);
        return;
      }
      case "tenants.list":
        sendJson(response, 200, { object: "list", data: await admin.listTenants() }, context.headers);
        return;
      case "tenants.create": {
        const created = await admin.createTenant(await body());
        await services.directory.refresh();
        sendJson(response, 201, created, context.headers);
        return;
      }
      case "tenants.show":
        sendJson(response, 200, await admin.showTenant(operation.id), context.headers);
        return;
      case "tenants.update": {
        const updated = await admin.updateTenant(operation.id, await body());
        await services.directory.refresh();
        sendJson(response, 200, updated, context.headers);
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof DirectoryInputError)) throw error;
    if (error.kind === "not_found")
      throw new GatewayError("not_found", error.message, { param: error.param });
    throw new GatewayError("invalid_request", error.message, { param: error.param });
  }
}

function budgetJson(budget: Awaited<ReturnType<GatewayServices["governor"]["budgetsOf"]>>[number]): unknown {
  return {
    scope: budget.scope,
    id: budget.id,
    period: budget.period,
    mode: budget.mode,
    usd: budget.usd,
    window: budget.window,
    spent_usd: budget.spentUsd ?? null,
    reserved_usd: budget.reservedUsd ?? null,
    resets_at: budget.resetsAt ?? null,
  };
}

/** The admin directory route for a method and path under `/admin/keys` or `/admin/tenants`, if any. */
export function directoryOperation(method: string, path: string): DirectoryOperation | "method" | undefined {
  const parts = path.split("/").slice(2).map(decodeSegment);
  const [collection, id, action] = parts;
  if (collection !== "keys" && collection !== "tenants") return undefined;
  if (parts.length === 1) {
    if (method === "GET") return { kind: `${collection}.list` };
    if (method === "POST") return { kind: `${collection}.create` };
    return "method";
  }
  if (id === undefined || id === "") return undefined;
  if (parts.length === 2) {
    if (method === "GET")
      return collection === "keys" ? { kind: "keys.show", id } : { kind: "tenants.show", id };
    if (collection === "keys" && method === "DELETE") return { kind: "keys.revoke", id };
    if (collection === "tenants" && method === "PATCH") return { kind: "tenants.update", id };
    return "method";
  }
  if (parts.length === 3 && collection === "keys" && (action === "rotate" || action === "revoke"))
    return method === "POST" ? { kind: action === "rotate" ? "keys.rotate" : "keys.revoke", id } : "method";
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
