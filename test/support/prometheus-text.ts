/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests that scrape
 * `/metrics`. Written from the format's description, not from the code that writes it, so a bug in the
 * writer does not hide itself: malformed lines, samples without a TYPE, families split in two, duplicate
 * series and inconsistent histograms are errors.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly samples: readonly Sample[];
}

export type Exposition = ReadonlyMap<string, MetricFamily>;

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set<string>(["counter", "gauge", "histogram", "summary", "untyped"]);

interface Building {
  name: string;
  type: MetricType | undefined;
  help: string | undefined;
  samples: Sample[];
}

export function parsePrometheusText(text: string): Exposition {
  const families = new Map<string, Building>();
  const finished = new Set<string>();
  const seen = new Set<string>();
  let current: Building | undefined;

  const familyNamed = (name: string, line: number): Building => {
    if (current?.name === name) return current;
    if (finished.has(name) || families.has(name)) throw new Error(`line ${line}: family ${name} is split`);
    if (current !== undefined) finished.add(current.name);
    current = { name, type: undefined, help: undefined, samples: [] };
    families.set(name, current);
    return current;
  };

  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (match === null) return; // a plain comment
      const [, keyword, name = "", rest = ""] = match;
      if (!metricName.test(name)) throw new Error(`line ${line}: bad metric name "${name}"`);
      const family = familyNamed(name, line);
      if (keyword === "HELP") {
        if (family.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        family.help = rest.replace(/\\(.)/g, (_all, character: string) =>
          character === "n" ? "\n" : character,
        );
      } else {
        if (family.type !== undefined) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        if (!types.has(rest.trim())) throw new Error(`line ${line}: unknown type "${rest}"`);
        family.type = rest.trim() as MetricType;
      }
      return;
    }
    const sample = parseSample(raw, line);
    const family = current !== undefined && belongsTo(sample.name, current) ? current : undefined;
    if (family === undefined) throw new Error(`line ${line}: sample ${sample.name} has no TYPE before it`);
    const identity = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(identity)) throw new Error(`line ${line}: duplicate series ${identity}`);
    seen.add(identity);
    family.samples.push(sample);
  });

  const result = new Map<string, MetricFamily>();
  for (const family of families.values()) {
    if (family.type === undefined) throw new Error(`family ${family.name} has no TYPE`);
    if (family.type === "histogram") checkHistogram(family);
    result.set(family.name, {
      name: family.name,
      type: family.type,
      help: family.help,
      samples: family.samples,
    });
  }
  return result;
}

function belongsTo(sampleName: string, family: Building): boolean {
  if (family.type === "histogram")
    return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`].includes(sampleName);
  if (family.type === "summary")
    return [family.name, `${family.name}_sum`, `${family.name}_count`].includes(sampleName);
  return sampleName === family.name;
}

function parseSample(raw: string, line: number): Sample {
  let at = 0;
  while (at < raw.length && /[a-zA-Z0-9_:]/.test(raw[at] ?? "")) at++;
  const name = raw.slice(0, at);
  if (!metricName.test(name)) throw new Error(`line ${line}: bad metric name in "${raw}"`);
  const labels: Record<string, string> = {};
  if (raw[at] === "{") {
    at++;
    while (raw[at] !== "}") {
      const nameEnd = raw.indexOf("=", at);
      if (nameEnd < 0) throw new Error(`line ${line}: label without "=" in "${raw}"`);
      const label = raw.slice(at, nameEnd).trim();
      if (!labelName.test(label)) throw new Error(`line ${line}: bad label name "${label}"`);
      if (Object.hasOwn(labels, label)) throw new Error(`line ${line}: label ${label} given twice`);
      at = nameEnd + 1;
      if (raw[at] !== '"') throw new Error(`line ${line}: label value of ${label} is not quoted`);
      at++;
      let value = "";
      for (;;) {
        const character = raw[at];
        if (character === undefined) throw new Error(`line ${line}: unterminated label value`);
        at++;
        if (character === '"') break;
        if (character === "\\") {
          const escaped = raw[at];
          at++;
          if (escaped === "n") value += "\n";
          else if (escaped === "\\" || escaped === '"') value += escaped;
          else throw new Error(`line ${line}: bad escape \\${escaped ?? ""} in a label value`);
        } else if (character === "\n") {
          throw new Error(`line ${line}: raw line feed in a label value`);
        } else {
          value += character;
        }
      }
      labels[label] = value;
      if (raw[at] === ",") at++;
      else if (raw[at] !== "}") throw new Error(`line ${line}: expected "," or "}" after ${label}`);
    }
    at++;
  }
  const fields = raw.slice(at).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || raw[at] !== " ")
    throw new Error(`line ${line}: expected " value [timestamp]" in "${raw}"`);
  const value = parseValue(fields[0] ?? "", line);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`line ${line}: bad timestamp`);
  return { name, labels, value };
}

/** Go's ParseFloat, which Prometheus uses: `NaN` and `Inf` in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: number): number {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value "${text}"`);
  return Number(text);
}

/** Buckets ascending by `le`, counts cumulative, `+Inf` equal to `_count`, and a `_sum` per series. */
function checkHistogram(family: Building): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      group.buckets.push([parseValue(le, 0), sample.value]);
    } else if (sample.name.endsWith("_sum")) group.sum = sample.value;
    else group.count = sample.value;
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`;
    if (group.sum === undefined || group.count === undefined) throw new Error(`${where}: no _sum or _count`);
    let previous: [number, number] = [-Infinity, 0];
    for (const bucket of group.buckets) {
      if (bucket[0] <= previous[0]) throw new Error(`${where}: buckets not in ascending le order`);
      if (bucket[1] < previous[1]) throw new Error(`${where}: bucket counts not cumulative`);
      previous = bucket;
    }
    if (previous[0] !== Infinity) throw new Error(`${where}: no +Inf bucket`);
    if (previous[1] !== group.count)
      throw new Error(`${where}: +Inf bucket ${previous[1]} ≠ count ${group.count}`);
  }
}

/** The samples of `name` whose labels include every given pair. */
export function samplesOf(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  const familyName = name.replace(/_(bucket|sum|count)$/, "");
  const family = exposition.get(name) ?? exposition.get(familyName);
  if (family === undefined) throw new Error(`no metric family ${name}`);
  return family.samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The value of the one sample of `name` whose labels include every given pair. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(exposition, name, labels);
  if (found.length !== 1)
    throw new Error(
      `${found.length} samples of ${name} match ${JSON.stringify(labels)}, expected exactly one`,
    );
  return found[0]?.value ?? NaN;
}

export function sumOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return samplesOf(exposition, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}
