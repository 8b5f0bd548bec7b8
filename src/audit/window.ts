/**
 * The time window of an audit analysis: `--since 30d` (a duration before now, or an RFC 3339
 * time) and `--until` (an RFC 3339 time, default now). Parsed once, at the edge.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function parseInstant(text: string, now: number, what: string): number {
  const d = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (d) return now - Number(d[1]) * UNIT_MS[d[2]];
  // RFC 3339 with a time zone; a bare date means its midnight UTC.
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) {
    const t = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(t)) return t;
  }
  throw new Error(`${what} "${text}": give a duration (30d, 12h, 90m, 2w) or an RFC 3339 time (2025-01-31T00:00:00Z)`);
}

export interface TimeWindow {
  /** ms since the epoch; -Infinity when unbounded. */
  since: number;
  until: number;
}

const windowSchema = z.object({ since: z.string().min(1).optional(), until: z.string().min(1).optional() });

export function parseWindow(flags: { since?: string; until?: string }, now = Date.now()): TimeWindow {
  const f = windowSchema.parse(flags);
  const since = f.since === undefined ? -Infinity : parseInstant(f.since, now, '--since');
  const until = f.until === undefined ? Infinity : parseInstant(f.until, now, '--until');
  if (since >= until) throw new Error(`--since (${new Date(since).toISOString()}) is not before --until (${new Date(until).toISOString()})`);
  return { since, until };
}

export function describeWindow(w: TimeWindow): string {
  const t = (ms: number): string => new Date(ms).toISOString();
  if (w.since === -Infinity && w.until === Infinity) return 'the whole log';
  if (w.until === Infinity) return `since ${t(w.since)}`;
  if (w.since === -Infinity) return `until ${t(w.until)}`;
  return `${t(w.since)} – ${t(w.until)}`;
}
