/**
 * The hours a queue or SLA policy counts in: none, one of the named business calendars (kept up to
 * date with it on the server), or hours of its own edited in place.
 */
import { Select, Stack } from "@mantine/core";
import { CalendarFields, newCalendar } from "./calendar-editor.tsx";
import { useCalendars } from "./queries.ts";
import type { BusinessCalendar, Calendar } from "./types.ts";

/** A queue's or policy's choice as the form holds it; `hours` is the copy when a calendar is chosen. */
export interface HoursChoice {
  calendarId: string | null;
  hours: Calendar | null;
}

const NONE = "none";
const OWN = "own";

/** What to send: the calendar's id alone, or own hours (or none) with calendarId null. */
export const hoursBody = ({ calendarId, hours }: HoursChoice) =>
  calendarId ? { calendarId } : { calendarId: null, hours };

/** The name of a queue's or policy's calendar, or what its hours are when it has none. */
export function hoursLabel(
  calendars: BusinessCalendar[] | undefined,
  choice: HoursChoice,
  none: string,
): string {
  if (choice.calendarId)
    return calendars?.find((calendar) => calendar.id === choice.calendarId)?.name ?? "a named calendar";
  return choice.hours ? `own hours (${choice.hours.timeZone})` : none;
}

export function HoursChoiceField({
  label,
  noneLabel,
  value,
  onChange,
}: {
  label: string;
  /** What no hours means here: around the clock for a queue, the queue's hours for a policy. */
  noneLabel: string;
  value: HoursChoice;
  onChange: (next: HoursChoice) => void;
}) {
  const calendars = useCalendars().data ?? [];
  const selected = value.calendarId ?? (value.hours ? OWN : NONE);
  const choose = (option: string | null) => {
    if (!option || option === NONE) onChange({ calendarId: null, hours: null });
    else if (option === OWN)
      // From a named calendar: its hours, to change from there.
      onChange({ calendarId: null, hours: value.hours ?? newCalendar() });
    else {
      const calendar = calendars.find((item) => item.id === option);
      if (calendar) onChange({ calendarId: calendar.id, hours: calendar.calendar });
    }
  };
  return (
    <Stack gap={6}>
      <Select
        label={label}
        description="Named calendars are kept under Admin → Business calendars"
        allowDeselect={false}
        data={[
          { value: NONE, label: noneLabel },
          ...calendars.map((calendar) => ({ value: calendar.id, label: calendar.name })),
          { value: OWN, label: "Own hours…" },
        ]}
        value={selected}
        onChange={choose}
      />
      {selected === OWN && value.hours ? (
        <CalendarFields
          label={`${label}: own hours`}
          value={value.hours}
          onChange={(hours) => onChange({ calendarId: null, hours })}
        />
      ) : null}
    </Stack>
  );
}
