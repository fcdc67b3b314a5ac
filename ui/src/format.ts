// Display text for values from the library: source names, dates, counts.

const SOURCE_NAMES: Record<string, string> = {
  text: "Plain text",
  hn: "Hacker News",
  reddit: "Reddit",
  lobsters: "Lobsters",
  discourse: "Discourse",
  mbox: "Mailing list",
  maildir: "Mailing list",
};

export function sourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

const DATE = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** A unix-seconds timestamp as a short date. */
export function formatDate(unixSeconds: number): string {
  return DATE.format(new Date(unixSeconds * 1000));
}

/** A unix-seconds timestamp as date and time, for posts. */
export function formatDateTime(unixSeconds: number): string {
  return DATE_TIME.format(new Date(unixSeconds * 1000));
}

/** An ISO timestamp for `<time datetime>`. */
export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** "1 post", "12 posts". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? singular : plural}`;
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "3 hours ago", "yesterday", "2 years ago" (or "in 5 minutes" for a clock ahead). */
export function relativeTime(unixSeconds: number, nowMs: number = Date.now()): string {
  let value = unixSeconds - nowMs / 1000;
  if (Math.abs(value) < 45) return "just now";
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size || unit === "year") return RELATIVE.format(Math.round(value), unit);
    value /= size;
  }
  return formatDate(unixSeconds);
}
