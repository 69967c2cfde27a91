/** A business-hours calendar editor: weekly hours (one interval a day) in an IANA time zone, and holidays; a one-line summary. */
import { Checkbox, Group, Stack, TagsInput, Text, TextInput } from "@mantine/core";
import { effectiveTimeZone } from "../lib/viewer-zone.ts";
import type { Calendar } from "./types.ts";

type DayHours = Calendar["weekly"][number];

function TimeInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (next: string) => void;
}) {
  return (
    <TextInput
      aria-label={label}
      size="xs"
      w={110}
      type="time"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const nineToFive = (day: number): DayHours => ({ day, start: "09:00", end: "17:00" });

/** One day of the week: open (from–to) or closed. */
function DayRow({
  calendar,
  day,
  onChange,
}: {
  calendar: Calendar;
  day: number;
  onChange: (next: Calendar) => void;
}) {
  const dayName = DAYS[day] ?? "";
  const hours = calendar.weekly.find((item) => item.day === day);
  const others = calendar.weekly.filter((item) => item.day !== day);
  const setHours = (next: DayHours) =>
    onChange({ ...calendar, weekly: calendar.weekly.map((item) => (item.day === day ? next : item)) });
  return (
    <Group gap="xs" wrap="nowrap">
      <Checkbox
        w={120}
        label={dayName}
        checked={!!hours}
        onChange={(event) =>
          onChange({
            ...calendar,
            weekly: event.currentTarget.checked
              ? [...others, nineToFive(day)].sort((a, b) => a.day - b.day)
              : others,
          })
        }
      />
      {hours ? (
        <>
          <TimeInput
            label={`${dayName} opens`}
            value={hours.start}
            onChange={(start) => setHours({ ...hours, start })}
          />
          <Text fz="xs">to</Text>
          <TimeInput
            label={`${dayName} closes`}
            value={hours.end}
            onChange={(end) => setHours({ ...hours, end })}
          />
        </>
      ) : (
        <Text fz="xs" c="dimmed">
          closed
        </Text>
      )}
    </Group>
  );
}

/** Monday to Friday, nine to five, in the browser's time zone: where new hours start. */
export const newCalendar = (): Calendar => ({
  timeZone: effectiveTimeZone(),
  weekly: [1, 2, 3, 4, 5].map(nineToFive),
  holidays: [],
});

const SHORT_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The weekly hours in a line, runs of days with the same hours joined: "Mon–Fri 09:00–17:00". */
export function weeklySummary(weekly: Calendar["weekly"]): string {
  // Monday first, as people read a week.
  const days = [1, 2, 3, 4, 5, 6, 0].map((day) => weekly.find((item) => item.day === day) ?? null);
  const parts: string[] = [];
  for (let index = 0; index < days.length; ) {
    const hours = days[index];
    let end = index;
    while (
      end + 1 < days.length &&
      days[end + 1]?.start === hours?.start &&
      days[end + 1]?.end === hours?.end
    )
      end += 1;
    if (hours) {
      const first = SHORT_DAYS[hours.day];
      const last = SHORT_DAYS[days[end]!.day];
      parts.push(`${first}${end > index ? `–${last}` : ""} ${hours.start}–${hours.end}`);
    }
    index = end + 1;
  }
  return parts.join(", ") || "closed every day";
}

/** Weekly hours (one interval a day) in an IANA time zone, and holidays. */
export function CalendarFields({
  label,
  value,
  onChange,
}: {
  label: string;
  value: Calendar;
  onChange: (next: Calendar) => void;
}) {
  return (
    <Stack gap={6} role="group" aria-label={label}>
      <TextInput
        label="Time zone"
        description="IANA name, e.g. Europe/Berlin"
        size="xs"
        w={240}
        value={value.timeZone}
        onChange={(event) => onChange({ ...value, timeZone: event.currentTarget.value })}
      />
      {DAYS.map((dayName, day) => (
        <DayRow key={dayName} calendar={value} day={day} onChange={onChange} />
      ))}
      <TagsInput
        label="Holidays"
        description="YYYY-MM-DD, or MM-DD for every year; Enter after each"
        size="xs"
        value={value.holidays}
        onChange={(holidays) => onChange({ ...value, holidays })}
      />
    </Stack>
  );
}
