/** A half-open span of time `[start, end)` in epoch milliseconds (UTC instants). */
export interface Interval {
  start: number;
  end: number;
}

/** Sorts by start and merges overlapping or touching intervals. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Parts of `base` not covered by `holes` (both merged and sorted). */
export function subtractIntervals(base: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let h = 0;
  for (const interval of base) {
    let cursor = interval.start;
    while (h < holes.length && holes[h]!.end <= cursor) h += 1;
    for (let k = h; k < holes.length && holes[k]!.start < interval.end; k += 1) {
      const hole = holes[k]!;
      if (hole.start > cursor) result.push({ start: cursor, end: hole.start });
      cursor = Math.max(cursor, hole.end);
    }
    if (cursor < interval.end) result.push({ start: cursor, end: interval.end });
  }
  return result;
}

/** Intersection of two merged, sorted lists. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (start < end) result.push({ start, end });
    if (a[i]!.end < b[j]!.end) i += 1;
    else j += 1;
  }
  return result;
}
