/**
 * Counters and histograms fed once per request report, kept as plain numbers and written out in the
 * Prometheus text format only when scraped.
 *
 * Why not prom-client's own Counter/Histogram here: every `inc`/`observe` there hashes and validates
 * its label object, even through a `labels(...)` child — measured at ~1.6 µs per update on this machine,
 * ~20 µs for the dozen updates one report makes, and subscribers run on the request's own thread.
 * A cell here is found once per label combination and then updated with a few additions. prom-client
 * still owns the registry, the process metrics and the gauges read at scrape time (see `metrics.ts`).
 */

/** One labelled series of a counter. */
export class CounterCell {
  value = 0;
  constructor(readonly labels: string) {}

  add(amount: number): void {
    // A counter never goes down, and one NaN would poison it for good.
    if (amount > 0 && amount !== Infinity) this.value += amount;
  }
}

/** One labelled series of a histogram: per-bucket counts (not cumulative), the sum and the count. */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: string,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const { bounds } = this;
    let at = 0;
    while (at < bounds.length && value > (bounds[at] ?? Infinity)) at++;
    if (at < bounds.length) this.counts[at] = (this.counts[at] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }
}

abstract class Family<Cell extends { readonly labels: string }> {
  readonly #cells = new Map<string, Cell>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  /** The series for these label values (in `labelNames` order), created on first use. */
  cell(values: readonly string[]): Cell {
    const key = values.join("\u0000");
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      if (values.length !== this.labelNames.length)
        throw new Error(`${this.name}: ${values.length} label values for ${this.labelNames.length} labels`);
      cell = this.create(formatLabels(this.labelNames, values));
      this.#cells.set(key, cell);
    }
    return cell;
  }

  get size(): number {
    return this.#cells.size;
  }

  /** HELP, TYPE and every series, each line ending with a newline. */
  render(): string {
    let text = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const cell of this.#cells.values()) text += this.renderCell(cell);
    return text;
  }

  protected abstract readonly type: "counter" | "histogram";
  protected abstract create(labels: string): Cell;
  protected abstract renderCell(cell: Cell): string;
}

export class CounterFamily extends Family<CounterCell> {
  protected readonly type = "counter";

  protected create(labels: string): CounterCell {
    return new CounterCell(labels);
  }

  protected renderCell(cell: CounterCell): string {
    return `${this.name}${braces(cell.labels)} ${formatNumber(cell.value)}\n`;
  }
}

export class HistogramFamily extends Family<HistogramCell> {
  protected readonly type = "histogram";
  readonly #bounds: readonly number[];
  readonly #le: readonly string[];

  constructor(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]) {
    super(name, help, labelNames);
    if (labelNames.includes("le")) throw new Error(`${name}: "le" is reserved for histogram buckets`);
    this.#bounds = [...bounds].sort((a, b) => a - b);
    this.#le = this.#bounds.map((bound) => `le="${formatNumber(bound)}"`);
  }

  protected create(labels: string): HistogramCell {
    return new HistogramCell(labels, this.#bounds);
  }

  protected renderCell(cell: HistogramCell): string {
    const prefix = cell.labels === "" ? "" : `${cell.labels},`;
    let text = "";
    let cumulative = 0;
    for (let at = 0; at < this.#le.length; at++) {
      cumulative += cell.counts[at] ?? 0;
      text += `${this.name}_bucket{${prefix}${this.#le[at] ?? ""}} ${cumulative}\n`;
    }
    text += `${this.name}_bucket{${prefix}le="+Inf"} ${cell.count}\n`;
    text += `${this.name}_sum${braces(cell.labels)} ${formatNumber(cell.sum)}\n`;
    text += `${this.name}_count${braces(cell.labels)} ${cell.count}\n`;
    return text;
  }
}

function formatLabels(names: readonly string[], values: readonly string[]): string {
  return names.map((name, at) => `${name}="${escapeLabelValue(values[at] ?? "")}"`).join(",");
}

function braces(labels: string): string {
  return labels === "" ? "" : `{${labels}}`;
}

/** The text format's escapes: backslash, double quote and line feed in label values. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) =>
    character === "\n" ? "\\n" : character === "\\" ? "\\\\" : '\\"',
  );
}

function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (character) => (character === "\n" ? "\\n" : "\\\\"));
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
