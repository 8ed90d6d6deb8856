import type { AgreementConfig, ModelConfig, OfferingConfig } from "../config/types.js";
import { addDuration, formatInstant } from "./time.js";

/**
 * Agreement semantics (DESIGN "Agreement semantics"), evaluated at an instant. Pure: the instant is
 * always passed in, never read from a clock.
 *
 * - `exclusive`: while in force, only its channel may serve the vendor's models.
 * - `launch-partner` (window W): while in force, a model is eligible on the partner from its release
 *   and elsewhere only from release + W (or the offering's own `available_from`, whichever is later).
 * - `preferential`: no restriction; the `preferred` strategy ranks the channel first.
 * - `open`: no restriction, no preference.
 */

export interface Availability {
  readonly available: boolean;
  /** Available on a preferred channel of the vendor (launch partner, preferential or exclusive). */
  readonly preferred?: boolean;
  /** Why: "launch window until 2026-12-01 (launch partner: azure-eastus)", "launch partner of openai". */
  readonly reason: string;
}

/** The catalog facts an availability decision reads. */
export interface CatalogView {
  readonly models: ReadonlyMap<string, ModelConfig>;
  readonly agreements: readonly AgreementConfig[];
}

export function inForce(agreement: AgreementConfig, at: number): boolean {
  return (agreement.effectiveFrom ?? -Infinity) <= at && at < (agreement.effectiveUntil ?? Infinity);
}

/** Whether an offering may serve at `at`, and why (the first rule that says no, or why it is yes). */
export function availabilityAt(offering: OfferingConfig, catalog: CatalogView, at: number): Availability {
  if (offering.availableFrom !== undefined && at < offering.availableFrom)
    return { available: false, reason: `available from ${formatInstant(offering.availableFrom)}` };
  if (offering.availableUntil !== undefined && at >= offering.availableUntil)
    return { available: false, reason: `withdrawn on ${formatInstant(offering.availableUntil)}` };
  const model = catalog.models.get(offering.model);
  if (model === undefined) return { available: false, reason: `unknown model ${offering.model}` };
  const release = model.releasedAt;
  if (release !== undefined && at < release)
    return { available: false, reason: `${model.id} is released on ${model.releaseDate ?? ""}` };

  let preference: AgreementConfig | undefined;
  for (const agreement of catalog.agreements) {
    if (agreement.vendor !== model.vendor || !inForce(agreement, at)) continue;
    const member = agreement.channel.has(offering.provider);
    switch (agreement.terms) {
      case "exclusive":
        if (member) preference ??= agreement;
        if (!member) {
          const until =
            agreement.effectiveUntil === undefined ? "" : ` until ${formatInstant(agreement.effectiveUntil)}`;
          return {
            available: false,
            reason: `${model.vendor} is exclusive to ${channelName(agreement)}${until}`,
          };
        }
        break;
      case "launch-partner":
        if (!member && release !== undefined && agreement.window !== undefined) {
          const opens = addDuration(release, agreement.window);
          if (at < opens)
            return {
              available: false,
              reason: `launch window until ${formatInstant(opens)} (launch partner: ${channelName(agreement)})`,
            };
        }
        if (member) preference ??= agreement;
        break;
      case "preferential":
        if (member) preference ??= agreement;
        break;
      case "open":
        break;
    }
  }
  if (preference === undefined) return { available: true, reason: "available" };
  const role =
    preference.terms === "launch-partner"
      ? "launch partner"
      : preference.terms === "exclusive"
        ? "exclusive channel"
        : "preferential channel";
  return { available: true, preferred: true, reason: `${role} of ${model.vendor}` };
}

/**
 * Every instant at which an offering's availability may change: its own window, the model's release,
 * agreement boundaries and launch windows' ends. Between two of them, availability is constant.
 */
export function boundariesOf(offering: OfferingConfig, catalog: CatalogView): number[] {
  const model = catalog.models.get(offering.model);
  const release = model?.releasedAt;
  const points = [offering.availableFrom, offering.availableUntil, release];
  for (const agreement of catalog.agreements) {
    if (agreement.vendor !== model?.vendor) continue;
    points.push(agreement.effectiveFrom, agreement.effectiveUntil);
    if (agreement.terms === "launch-partner" && release !== undefined && agreement.window !== undefined)
      points.push(addDuration(release, agreement.window));
  }
  return [...new Set(points.filter((point): point is number => point !== undefined))].sort((a, b) => a - b);
}

/** One stretch of time over which an offering's availability does not change. */
export interface AvailabilityPeriod extends Availability {
  /** Epoch ms, inclusive; undefined = since always. */
  readonly from: number | undefined;
  /** Epoch ms, exclusive; undefined = from then on. */
  readonly until: number | undefined;
}

/** An offering's whole timeline: consecutive periods, merged where nothing changes. */
export function timelineOf(offering: OfferingConfig, catalog: CatalogView): AvailabilityPeriod[] {
  const points = boundariesOf(offering, catalog);
  const starts: (number | undefined)[] = [undefined, ...points];
  const periods: AvailabilityPeriod[] = [];
  starts.forEach((from, index) => {
    const until = points[index];
    const probe = from ?? (until === undefined ? 0 : until - 1);
    const state = availabilityAt(offering, catalog, probe);
    const last = periods.at(-1);
    if (last !== undefined && last.available === state.available && last.reason === state.reason)
      periods[periods.length - 1] = { ...last, until };
    else periods.push({ ...state, from, until });
  });
  return periods;
}

/** The period that contains `at`. */
export function periodAt(offering: OfferingConfig, catalog: CatalogView, at: number): AvailabilityPeriod {
  const periods = timelineOf(offering, catalog);
  const found = periods.find((period) => (period.from ?? -Infinity) <= at && at < (period.until ?? Infinity));
  return found ?? { ...availabilityAt(offering, catalog, at), from: undefined, until: undefined };
}

function channelName(agreement: AgreementConfig): string {
  return [...agreement.channel].join(", ");
}
