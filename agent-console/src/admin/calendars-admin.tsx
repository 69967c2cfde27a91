/** Admin → Business calendars: named opening hours with holidays, chosen by queues and SLA policies. */
import { Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { CalendarFields, newCalendar, weeklySummary } from "./calendar-editor.tsx";
import { type Editor, FormShell, useForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { NameInput } from "./editors.tsx";
import { resources, useAdminWrite } from "./queries.ts";
import type { BusinessCalendar, Calendar } from "./types.ts";

interface CalendarForm {
  name: string;
  calendar: Calendar;
}

const toForm = (item: BusinessCalendar | null): CalendarForm => ({
  name: item?.name ?? "",
  calendar: item?.calendar ?? newCalendar(),
});

function CalendarDrawer({ editor }: { editor: Editor<BusinessCalendar> }) {
  const item = editor.item;
  // The queues and policies using it keep copies, rewritten by the server: their lists are re-read too.
  const write = useAdminWrite([resources.calendars.key, resources.queues.key, resources.policies.key]);
  const { form, field } = useForm(editor.opened, item, toForm, write.reset);
  const { path } = resources.calendars;
  return (
    <FormShell
      drawer
      size="lg"
      editor={editor}
      mutation={write}
      title={item ? `Edit ${item.name}` : "New business calendar"}
      submitLabel={item ? "Save calendar" : "Create calendar"}
      onSubmit={() =>
        write.mutate(
          [
            item
              ? { method: "PUT", path: `${path}/${item.id}`, body: form }
              : { method: "POST", path, body: form },
          ],
          {
            onSuccess: () => {
              notifications.show({
                color: "green",
                title: item ? "Calendar saved" : "Calendar created",
                message:
                  item?.usedBy.queues.length || item?.usedBy.policies.length
                    ? `${form.name}: the queues and policies using it follow.`
                    : form.name,
              });
              editor.close();
            },
          },
        )
      }
    >
      <NameInput {...field("name")} />
      <CalendarFields label="Opening hours" {...field("calendar")} />
    </FormShell>
  );
}

/** "Queue Support, policy Standard", or that nothing uses it. */
function usedBySummary({ usedBy }: BusinessCalendar): string {
  const names = [
    ...usedBy.queues.map((queue) => `queue ${queue.name}`),
    ...usedBy.policies.map((policy) => `policy ${policy.name}`),
  ];
  return names.join(", ") || "nothing yet";
}

export function CalendarsAdmin() {
  return (
    <CrudSection
      title="Business calendars"
      description="Opening hours and holidays defined once, by name. Queues and SLA policies choose one; a change here applies to all of them at once."
      newLabel="New calendar"
      resource={resources.calendars}
      skeleton={80}
      minWidth={760}
      empty="No business calendar yet."
      rowTestId="calendar-row"
      rowProps={(calendar) => ({ "data-calendar": calendar.name })}
      remove={{
        question: (calendar) =>
          `Delete the calendar ${calendar.name}? Only a calendar nothing uses can be deleted.`,
        failure: "Calendar not deleted",
      }}
      columns={[
        { header: "Calendar", rowHeader: true, cell: (calendar) => <TitleCell title={calendar.name} /> },
        { header: "Time zone", cell: (calendar) => calendar.calendar.timeZone },
        {
          header: "Weekly hours",
          cell: (calendar) => <Text fz="xs">{weeklySummary(calendar.calendar.weekly)}</Text>,
        },
        {
          header: "Holidays",
          cell: (calendar) => {
            const count = calendar.calendar.holidays.length;
            return count ? `${count} holiday${count > 1 ? "s" : ""}` : "none";
          },
        },
        { header: "Used by", cell: (calendar) => <Text fz="xs">{usedBySummary(calendar)}</Text> },
      ]}
      form={CalendarDrawer}
    />
  );
}
