/**
 * UTC offsets of an IANA time zone, read from `Intl.DateTimeFormat`, cut into stretches of constant
 * offset. Within one stretch local wall-clock time is UTC plus a constant, so the calendar maths can
 * work on wall-clock numbers and never has to guess what a skipped or repeated local time means.
 *
 * Why no library: we need the instants at which the offset changes. Only the Temporal polyfill offers
 * that (`getTimeZoneTransition`), and it finds them the same way as below, by sampling `Intl` and
 * bisecting, at about 0.1 ms a query even when warm; luxon and date-fns-tz answer "offset at an
 * instant" only. Reading the offset from `Intl` (the `longOffset` name, e.g. "GMT-04:56:02") is the
 * one zone-specific step, and it is the ICU data every library here relies on.
 */
import { isTimeZone } from "../cases/time-zone.ts";

const DAY_MS = 86_400_000;
/** The offset line is computed and cached in chunks of 52 weeks, per zone. */
const CHUNK_MS = 364 * DAY_MS;
/**
 * Offsets are sampled every two days and every change is bisected to the second. Two changes that
 * cancel out within one sample step would be missed; the closest such pair in tzdata since 1970 is
 * 6.96 days apart (Brazil, October 2000).
 */
const SAMPLE_MS = 2 * DAY_MS;
/** `Date` and `Intl` accept instants within ±8.64e15 ms of the epoch. */
const MAX_INSTANT_MS = 8.64e15;
/** A bound on the cache: chunks cover a year each, so this is a thousand years per zone. */
const MAX_CHUNKS_PER_ZONE = 1000;

type Transition = { at: number; offset: number };
type Chunk = { startOffset: number; transitions: Transition[] };

/** A stretch of constant offset: local wall-clock ms = UTC ms + `offset`, for instants before `end`. */
export type OffsetStretch = { offset: number; end: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const chunksByZone = new Map<string, Map<number, Chunk>>();

/** Throws a RangeError unless `timeZone` is a time zone `Intl` knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The stretch of constant offset that holds the instant `at` (UTC ms). */
export function offsetStretchAt(timeZone: string, at: number): OffsetStretch {
  const index = Math.floor(at / CHUNK_MS);
  const chunk = chunkFor(timeZone, index);
  let offset = chunk.startOffset;
  for (const transition of chunk.transitions) {
    if (transition.at > at) return { offset, end: transition.at };
    offset = transition.offset;
  }
  // The next chunk may well have the same offset: a stretch end is "no change before", not "a change".
  return { offset, end: (index + 1) * CHUNK_MS };
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter) return formatter;
  if (typeof timeZone !== "string" || timeZone === "") {
    throw new RangeError("timeZone must be an IANA time zone name such as 'Europe/Berlin'");
  }
  if (!isTimeZone(timeZone))
    throw new RangeError(`timeZone '${timeZone}' is not a known IANA time zone (e.g. 'Europe/Berlin')`);
  formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  formatters.set(timeZone, formatter);
  return formatter;
}

function chunkFor(timeZone: string, index: number): Chunk {
  let chunks = chunksByZone.get(timeZone);
  if (!chunks) {
    chunks = new Map();
    chunksByZone.set(timeZone, chunks);
  }
  let chunk = chunks.get(index);
  if (!chunk) {
    if (chunks.size >= MAX_CHUNKS_PER_ZONE) chunks.clear();
    chunk = computeChunk(formatterFor(timeZone), index);
    chunks.set(index, chunk);
  }
  return chunk;
}

function computeChunk(formatter: Intl.DateTimeFormat, index: number): Chunk {
  const start = index * CHUNK_MS;
  const end = start + CHUNK_MS;
  const startOffset = offsetAt(formatter, start);
  const transitions: Transition[] = [];
  let before = start;
  let beforeOffset = startOffset;
  while (before < end) {
    const sample = Math.min(before + SAMPLE_MS, end);
    const sampleOffset = offsetAt(formatter, sample);
    // Finds every change in (before, sample], in case two fall into one step.
    let from = before;
    let fromOffset = beforeOffset;
    while (fromOffset !== sampleOffset) {
      const at = firstChange(formatter, from, fromOffset, sample);
      const offset = offsetAt(formatter, at);
      // A change exactly at `end` shows as the next chunk's start offset.
      if (at < end) transitions.push({ at, offset });
      from = at;
      fromOffset = offset;
    }
    before = sample;
    beforeOffset = sampleOffset;
  }
  return { startOffset, transitions };
}

/**
 * The first whole second in (from, to] whose offset differs from `fromOffset`, given that `to`'s does.
 * tzdata changes offsets on whole seconds, and `from` and `to` are whole seconds too.
 */
function firstChange(formatter: Intl.DateTimeFormat, from: number, fromOffset: number, to: number): number {
  let low = from;
  let high = to;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetAt(formatter, middle) === fromOffset) low = middle;
    else high = middle;
  }
  return high;
}

const OFFSET_NAME = /GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** The zone's UTC offset in ms at an instant, e.g. -18_000_000 for New York in winter. */
function offsetAt(formatter: Intl.DateTimeFormat, at: number): number {
  const name = formatter.format(Math.max(-MAX_INSTANT_MS, Math.min(MAX_INSTANT_MS, at)));
  const match = OFFSET_NAME.exec(name);
  if (!match) throw new Error(`Unexpected time zone offset name '${name}' from Intl.DateTimeFormat`);
  const [, sign, hours, minutes, seconds] = match;
  if (!sign) return 0;
  const ms = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds ?? 0)) * 1000;
  return sign === "-" ? -ms : ms;
}
