/**
 * Regions and geographies. Clouds name regions differently (`eastus`, `us-east-1`, `us-central1`,
 * `westeurope`, `eu-west-1`, `europe-west4`); a policy may name a region exactly or a geography
 * (`us`, `eu`, `apac`…) that covers all of its regions. The geography of a region is derived from
 * its name; a provider may also state it in its labels (`geo: eu`).
 */

const GEO_PATTERNS: readonly [RegExp, string][] = [
  [/^(us|usgov)-|^us$/, "us"],
  [/^eu-|^eu$|^europe-/, "eu"],
  [/^(ap|asia|australia)-|^apac$/, "apac"],
  [/^ca-|^northamerica-/, "ca"],
  [/^sa-|^southamerica-/, "sa"],
  [/^me-/, "me"],
  [/^af-|^africa-/, "af"],
  // Azure region names: direction + country or continent, no dashes.
  [/^(east|west|central|north|south|northcentral|southcentral|westcentral)us\d?$/, "us"],
  [/^(north|west)europe$|^(sweden|france|germany|switzerland|norway|poland|italy|spain|uk)/, "eu"],
  [/^(east|southeast)asia$|^(japan|korea|australia|india|southindia|centralindia)/, "apac"],
  [/^canada/, "ca"],
  [/^brazil/, "sa"],
];

/** Every geography `geographyOf` can name: a policy or header may name one even if no provider is there yet. */
export const GEOGRAPHIES: readonly string[] = [...new Set(GEO_PATTERNS.map(([, geo]) => geo))];

/** The geography a region belongs to, or undefined for a name no rule knows (`global`, a host name). */
export function geographyOf(region: string): string | undefined {
  for (const [pattern, geo] of GEO_PATTERNS) if (pattern.test(region)) return geo;
  return undefined;
}

/** Whether a policy's region entry (a region or a geography) covers a provider's region. */
export function regionMatches(entry: string, region: string | undefined, geo: string | undefined): boolean {
  if (region === undefined) return false;
  return entry === region || entry === geo;
}

/** A region header value: lower-case letters, digits and dashes. */
export const REGION_NAME = /^[a-z][a-z0-9-]{0,62}$/;
