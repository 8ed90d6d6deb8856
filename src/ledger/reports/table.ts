/** A plain-text table: a header row, then rows; numbers right-aligned, text left-aligned. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  readonly align?: "left" | "right";
}

export function textTable<T>(columns: readonly Column<T>[], rows: readonly T[], indent = "  "): string {
  const cells = [
    columns.map((column) => column.header),
    ...rows.map((row) => columns.map((c) => c.value(row))),
  ];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => (line[index] ?? "").length)));
  return cells
    .map((line) =>
      (
        indent +
        line
          .map((cell, index) => {
            const width = widths[index] ?? 0;
            return columns[index]?.align === "right" ? cell.padStart(width) : cell.padEnd(width);
          })
          .join("  ")
      ).trimEnd(),
    )
    .join("\n");
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */
export function csvTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number): string => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

/** USD with the digits a small request needs: `$0.000123`, `$12.3456`, `$1234.56`. */
export function usd(amount: number): string {
  const magnitude = Math.abs(amount);
  const digits = magnitude >= 100 ? 2 : magnitude >= 1 ? 4 : 6;
  const text = magnitude.toFixed(digits);
  return `${amount < 0 && Number(text) !== 0 ? "-" : ""}$${text}`;
}

export function percent(share: number | undefined): string {
  return share === undefined ? "-" : `${(share * 100).toFixed(1)}%`;
}

export function count(value: number): string {
  return value.toLocaleString("en-US");
}

export function milliseconds(value: number | undefined): string {
  return value === undefined ? "-" : `${Math.round(value)} ms`;
}

/** A period as people read it: `2026-11-01 – 2026-11-30` (the end is exclusive, shown as its last day). */
export function period(from: number | undefined, to: number | undefined): string {
  const day = (instant: number): string => {
    const iso = new Date(instant).toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
  };
  const end = (instant: number): string => {
    const iso = new Date(instant).toISOString();
    return iso.endsWith("T00:00:00.000Z") ? day(instant - 86_400_000) : `before ${day(instant)}`;
  };
  if (from === undefined && to === undefined) return "all time";
  if (to === undefined) return `since ${day(from ?? 0)}`;
  if (from === undefined) return `until ${end(to)}`;
  return `${day(from)} – ${end(to)}`;
}
