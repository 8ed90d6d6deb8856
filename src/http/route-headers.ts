import type { Warning } from "../codecs/codec.js";
import type { Route } from "../engine/executor.js";

/** Adds the headers that tell a client where its request went and what the gateway changed on the way. */
export function addRouteHeaders(headers: string[], route: Route, attempts: number): string[] {
  headers.push(
    "x-switchyard-provider",
    route.candidate.provider.id,
    "x-switchyard-offering",
    route.candidate.offering.id,
    "x-switchyard-attempts",
    String(attempts),
    "x-switchyard-route",
    formatRoute(route),
  );
  if (route.warnings.length > 0) headers.push("x-switchyard-warnings", formatWarnings(route.warnings));
  return headers;
}

/** `parameter_ignored=metadata (…), …`: readable, and ASCII-safe for a header. */
export function formatWarnings(warnings: readonly Warning[]): string {
  return warnings
    .map((warning) => `${warning.code}=${warning.param} (${warning.message})`)
    .join(", ")
    .replace(/[^\x20-\x7e]/g, "?");
}

/** Header values per candidate: cached plans reuse their candidates, so most requests reuse the string. */
const routeValues = new WeakMap<Route["candidate"], string>();

/** `gpt-4o-mini@azure-eastus; preferred: launch partner of openai`: the choice and its short reason. */
export function formatRoute(route: Route): string {
  let value = routeValues.get(route.candidate);
  if (value === undefined) {
    value = `${route.candidate.offering.id}; ${route.candidate.reason}`.replace(/[^\x20-\x7e]/g, "?");
    routeValues.set(route.candidate, value);
  }
  return value;
}
