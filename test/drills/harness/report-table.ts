import type { DrillReport } from "./drill-runner.js";
import { scale } from "./scale.js";

/** One line per drill, fixed columns, so runs can be compared by eye and pasted into notes. */
export function reportTable(title: string, reports: readonly DrillReport[]): string {
  const header = [
    "drill",
    "sent",
    "failed",
    "excused",
    "failover",
    "retried",
    "p50 ms",
    "p99 ms",
    "breakers",
    "rss MB",
    "heap MB",
    "s",
  ];
  const rows = reports.map((report) => [
    report.name,
    String(report.sent),
    String(report.failures.length),
    String(report.excused),
    String(report.failovers),
    String(report.retried),
    report.p50Ms.toFixed(0),
    report.p99Ms.toFixed(0),
    Object.entries(report.breakers)
      .map(([transition, count]) => `${transition}×${count}`)
      .join(" ") || "-",
    `${report.memoryBefore.rssMb.toFixed(0)}→${report.memoryAfter.rssMb.toFixed(0)}`,
    `${report.memoryBefore.heapMb.toFixed(0)}→${report.memoryAfter.heapMb.toFixed(0)}`,
    (report.durationMs / 1000).toFixed(1),
  ]);
  const widths = header.map((name, column) =>
    Math.max(name.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [`${title} (${scale.name} run)`, line(header), ...rows.map(line)].join("\n");
}

/** Collects a file's reports and prints their table once, after the last drill. */
export class ReportBook {
  readonly #title: string;
  readonly #reports: DrillReport[] = [];

  constructor(title: string) {
    this.#title = title;
  }

  add(report: DrillReport): DrillReport {
    this.#reports.push(report);
    return report;
  }

  print(): void {
    if (this.#reports.length > 0) console.log(`\n${reportTable(this.#title, this.#reports)}\n`);
  }
}
