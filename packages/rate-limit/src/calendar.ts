/**
 * Calendar quotas count per UTC day or month. The period is part of the key (`2026-11-22`,
 * `2026-11`), so a new period starts a new counter, and the counter expires when its period ends.
 */
export interface CalendarPeriod {
  /** e.g. `2026-11-22` or `2026-11`. */
  readonly id: string;
  /** Whole seconds until the period ends (at least 1). */
  readonly secondsLeft: number;
  /** When the period ends, in milliseconds since the epoch. */
  readonly endMs: number;
}

export function calendarPeriod(period: 'day' | 'month', nowMs: number): CalendarPeriod {
  const now = new Date(nowMs);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const end = period === 'day' ? Date.UTC(year, month, now.getUTCDate() + 1) : Date.UTC(year, month + 1, 1);
  const mm = String(month + 1).padStart(2, '0');
  const id = period === 'day' ? `${year}-${mm}-${String(now.getUTCDate()).padStart(2, '0')}` : `${year}-${mm}`;
  return { id, secondsLeft: Math.max(1, Math.ceil((end - nowMs) / 1000)), endMs: end };
}

/** The current period, computed once per period (building a date string costs more than the count). */
export function calendarClock(period: 'day' | 'month'): (nowMs: number) => CalendarPeriod {
  let current: CalendarPeriod | undefined;
  let startMs = Number.POSITIVE_INFINITY;
  return (nowMs) => {
    if (current === undefined || nowMs >= current.endMs || nowMs < startMs) {
      current = calendarPeriod(period, nowMs);
      startMs = nowMs;
      return current;
    }
    return { id: current.id, secondsLeft: Math.max(1, Math.ceil((current.endMs - nowMs) / 1000)), endMs: current.endMs };
  };
}
