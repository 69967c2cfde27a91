/**
 * The report's period: today, the last 7 or 30 days (each up to the end of today), or two dates of
 * the viewer's choosing — all cut at midnight in the viewer's zone.
 */
import { Group, SegmentedControl, TextInput } from "@mantine/core";
import { startOfTodayInViewerZone } from "../lib/viewer-zone.ts";

export const PRESETS = ["today", "7d", "30d", "custom"] as const;
export type Preset = (typeof PRESETS)[number];

const DAY_MS = 86_400_000;

/** Midnight in the viewer's zone of a calendar date (YYYY-MM-DD), via its noon UTC. */
export function startOfDate(date: string): Date {
  const [year, month, day] = date.split("-").map(Number);
  return startOfTodayInViewerZone(new Date(Date.UTC(year!, month! - 1, day!, 12)));
}

/** The day after the midnight `start`, whatever the clocks do (23 to 25 hours). */
const nextMidnight = (start: Date) =>
  startOfTodayInViewerZone(new Date(start.getTime() + DAY_MS + 3 * 3_600_000));

export function periodOf(preset: Preset, custom: { from: string; to: string }, now = new Date()) {
  const today = startOfTodayInViewerZone(now);
  const tomorrow = nextMidnight(today);
  if (preset === "today") return { from: today, to: tomorrow };
  if (preset === "7d" || preset === "30d") {
    const days = preset === "7d" ? 6 : 29;
    return {
      from: startOfTodayInViewerZone(new Date(today.getTime() - days * DAY_MS + 12 * 3_600_000)),
      to: tomorrow,
    };
  }
  if (!custom.from || !custom.to) return null;
  const from = startOfDate(custom.from);
  const to = nextMidnight(startOfDate(custom.to));
  return to > from ? { from, to } : null;
}

export function PeriodPicker({
  preset,
  custom,
  onPreset,
  onCustom,
}: {
  preset: Preset;
  custom: { from: string; to: string };
  onPreset: (preset: Preset) => void;
  onCustom: (custom: { from: string; to: string }) => void;
}) {
  return (
    <Group gap="xs" align="end">
      <SegmentedControl
        aria-label="Period"
        size="xs"
        value={preset}
        onChange={(value) => onPreset(value as Preset)}
        data={[
          { value: "today", label: "Today" },
          { value: "7d", label: "7 days" },
          { value: "30d", label: "30 days" },
          { value: "custom", label: "Custom" },
        ]}
      />
      {preset === "custom" ? (
        <>
          <TextInput
            size="xs"
            type="date"
            label="From"
            value={custom.from}
            onChange={(event) => onCustom({ ...custom, from: event.currentTarget.value })}
          />
          <TextInput
            size="xs"
            type="date"
            label="To (inclusive)"
            value={custom.to}
            onChange={(event) => onCustom({ ...custom, to: event.currentTarget.value })}
          />
        </>
      ) : null}
    </Group>
  );
}
