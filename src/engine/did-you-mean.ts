/** Suggestions for misspelt names (check ids, settings, peer ids): the closest known names by edit distance. */

/** Levenshtein distance, case-insensitive (ids are matched without case). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The known names closest to `name` (at most `max`), or none when nothing is close. */
export function closest(name: string, known: Iterable<string>, max = 3): string[] {
  // Close enough: a quarter of the name may be wrong (IMG-TAGG, allowedRegistry), at least 2 edits;
  // and no further than one edit behind the best match.
  const limit = Math.max(2, Math.floor(name.length / 4));
  const scored: Array<{ k: string; d: number }> = [];
  for (const k of known) {
    const d = editDistance(name, k);
    if (d <= limit) scored.push({ k, d });
  }
  const best = Math.min(...scored.map((s) => s.d));
  return scored
    .filter((s) => s.d <= best + 1)
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .slice(0, max)
    .map((s) => s.k);
}

/** ` (did you mean "A" or "B"?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  if (c.length === 0) return '';
  return ` (did you mean ${c.map((k) => `"${k}"`).join(' or ')}?)`;
}
