/**
 * Values found by a tuple of label values, one `Map` level per label. A lookup is one `Map.get` per label,
 * on strings the caller already holds: no key is joined per request (a joined eight-label key cost about
 * 0.9 µs a lookup in a microbenchmark, this 0.13; bench/RESULTS.md, "2026-12-03, later"). Used by the
 * metrics for their series and by the access log for a line's per-route members.
 */
export class LabelIndex<T> {
  readonly #root = new Map<string, unknown>();

  /** The value at `labels`, made by `create` the first time. Every call must pass as many labels. */
  get(labels: readonly string[], create: () => T): T {
    let level = this.#root;
    const last = labels.length - 1;
    for (let index = 0; index < last; index++) {
      const label = labels[index] ?? "";
      let next = level.get(label) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map<string, unknown>();
        level.set(label, next);
      }
      level = next;
    }
    const label = labels[last] ?? "";
    let value = level.get(label) as T | undefined;
    if (value === undefined) {
      value = create();
      level.set(label, value);
    }
    return value;
  }
}
