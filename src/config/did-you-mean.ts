/**
 * The known name closest to a mistyped one, when it is close enough to be a likely typo
 * (`platfrom` → `platform`, `regoin` → `region`); otherwise undefined.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the name's length: catches swapped or missing letters without matching unrelated names.
  return bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` for a close name, else ` (known: a, b)` for a short list, else nothing. */
export function suggestion(name: string, known: readonly string[]): string {
  const closest = closestName(name, known);
  if (closest !== undefined) return ` (did you mean "${closest}"?)`;
  if (known.length > 0 && known.length <= 12) return ` (known: ${known.join(", ")})`;
  return "";
}

/** Damerau–Levenshtein (optimal string alignment): a swap of two neighbours counts as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, at(i - 2, j - 2) + 1);
      row[j] = distance;
    }
  }
  return at(a.length, b.length);
}
