/**
 * The last few minutes of the hub's per-second stats, kept as columns so a chart can take them
 * as they are (uPlot wants one array of times and one array per series).
 */

export const SERIES_KEYS = [
  'clients',
  'rooms',
  'messagesInPerSec',
  'messagesOutPerSec',
  'bytesInPerSec',
  'bytesOutPerSec',
  'eventLoopLagMs',
  'rssBytes',
  'heapUsedBytes',
] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

export type StatsPoint = { time: number } & Record<SeriesKey, number | null>;

export interface StatsSeries {
  /** Seconds since the epoch (uPlot's x unit). */
  times: number[];
  values: Record<SeriesKey, Array<number | null>>;
  /** Bumped on every append so selectors notice a change without comparing arrays. */
  version: number;
}

export const SERIES_CAPACITY = 300;

export function emptySeries(): StatsSeries {
  const values = {} as Record<SeriesKey, Array<number | null>>;
  for (const k of SERIES_KEYS) values[k] = [];
  return { times: [], values, version: 0 };
}

/** A new series with the point appended and the oldest dropped past the capacity. */
export function appendPoint(series: StatsSeries, point: StatsPoint, capacity = SERIES_CAPACITY): StatsSeries {
  const t = point.time / 1000;
  const last = series.times[series.times.length - 1];
  // A repeated or older sample (after a resubscribe) would fold the chart back on itself.
  if (last !== undefined && t <= last) return series;
  const cut = series.times.length >= capacity ? series.times.length - capacity + 1 : 0;
  const values = {} as Record<SeriesKey, Array<number | null>>;
  for (const k of SERIES_KEYS) {
    const column = cut > 0 ? series.values[k].slice(cut) : series.values[k].slice();
    column.push(point[k]);
    values[k] = column;
  }
  const times = cut > 0 ? series.times.slice(cut) : series.times.slice();
  times.push(t);
  return { times, values, version: series.version + 1 };
}

export function latest(series: StatsSeries, key: SeriesKey): number | null {
  const column = series.values[key];
  return column.length > 0 ? (column[column.length - 1] ?? null) : null;
}
