import type { Duration } from "../config/types.js";

/**
 * Instants and durations of the catalog. Instants are epoch milliseconds; a calendar date means
 * midnight UTC at its start. Durations keep calendar fields, because a month has no fixed length:
 * `2026-01-31 + P1M` is 2026-02-28, clamped the way calendars (and Temporal) do.
 */

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses an ISO-8601 duration such as `P30D`, `P1M`, `PT12H`; undefined when malformed. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === "P" || text.endsWith("T")) return undefined;
  const field = (index: number): number => Number(match[index] ?? 0);
  return {
    text,
    years: field(1),
    months: field(2),
    weeks: field(3),
    days: field(4),
    hours: field(5),
    minutes: field(6),
    seconds: field(7),
  };
}

/** `start + duration` in UTC calendar arithmetic: years and months first (day clamped), then the rest. */
export function addDuration(start: number, duration: Duration): number {
  const date = new Date(start);
  if (duration.years !== 0 || duration.months !== 0) {
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + duration.years * 12 + duration.months);
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, lastDay));
  }
  const days = duration.weeks * 7 + duration.days;
  const ms = ((days * 24 + duration.hours) * 60 + duration.minutes) * 60_000 + duration.seconds * 1000;
  return date.getTime() + ms;
}

/** A calendar date (`YYYY-MM-DD`, midnight UTC) or an ISO-8601 date-time; undefined when malformed. */
export function parseInstant(text: string): number | undefined {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

/**
 * An instant as people read it in a reason: the date alone at midnight UTC, otherwise date and
 * time to the second in UTC (`2026-12-01`, `2026-11-26 12:03:10Z`).
 */
export function formatInstant(instant: number): string {
  const iso = new Date(instant).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** A clock time for short-lived states (an open circuit): `12:03:10Z`, with the date when not today. */
export function formatTime(instant: number, now: number): string {
  const iso = new Date(instant).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return sameDay ? `${iso.slice(11, 19)}Z` : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}
