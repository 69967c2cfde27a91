/**
 * Admin → Customer updates: the message each case event (created, waiting on customer, resolved,
 * reopened) sends the customer on email, SMS and chat; one template per event and channel.
 */
import { Paper, Text, Textarea, TextInput, VisuallyHidden } from "@mantine/core";
import { CHANNEL_LABEL } from "../lib/format.ts";
import { type Editor, FormShell, RowActions, useEditor, useForm } from "./crud.tsx";
import { DataTable } from "./data-table.tsx";
import { EnabledSwitch, PlaceholderHint, PlaceholderPreview, SectionHeader } from "./editors.tsx";
import { notifyError } from "./notify.ts";
import { resources, useAdminWrite, useStatusTemplates, type Write } from "./queries.ts";
import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type StatusTemplate,
  TEMPLATE_CHANNELS,
} from "./types.ts";

const EVENT_LABEL: Record<NotificationEvent, string> = {
  created: "Case created",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  reopened: "Reopened",
};

/** How buttons and switches name one template, e.g. "Resolved SMS". */
const templateName = (template: StatusTemplate) =>
  `${EVENT_LABEL[template.event]} ${CHANNEL_LABEL[template.channel]}`;

type TemplateFields = Pick<StatusTemplate, "subject" | "body" | "enabled">;

/** The PUT that writes one template whole; the subject only goes with email. */
const putTemplate = (
  { event, channel }: StatusTemplate,
  { subject, body, enabled }: TemplateFields,
): Write => ({
  method: "PUT",
  path: `${resources.statusTemplates.path}/${event}/${channel}`,
  body: channel === "email" ? { subject, body, enabled } : { body, enabled },
});

/**
 * One row per channel for `event`, in channel order. A channel without a template (nothing is sent
 * there) gets a blank one with an empty id, so it can be written from the same form.
 */
const eventRows = (items: StatusTemplate[], event: NotificationEvent): StatusTemplate[] =>
  TEMPLATE_CHANNELS.map(
    (channel) =>
      items.find((template) => template.event === event && template.channel === channel) ?? {
        id: "",
        event,
        channel,
        subject: "",
        body: "",
        enabled: false,
        updatedAt: "",
      },
  );

const written = (template: StatusTemplate) => template.id !== "";

const useTemplateWrite = () => useAdminWrite([resources.statusTemplates.key]);

const toForm = (template: StatusTemplate | null): TemplateFields => ({
  subject: template?.subject ?? "",
  body: template?.body ?? "",
  // A template written for the first time is on unless switched off.
  enabled: template && written(template) ? template.enabled : true,
});

function TemplateModal({ editor, placeholders }: { editor: Editor<StatusTemplate>; placeholders: string[] }) {
  const template = editor.item;
  const write = useTemplateWrite();
  const { form, set, text } = useForm(editor.opened, template, toForm, write.reset);
  const hint = <PlaceholderHint placeholders={placeholders} />;

  return (
    <FormShell
      editor={editor}
      mutation={write}
      title={template ? `Edit the ${templateName(template)} update` : ""}
      submitLabel="Save update"
      onSubmit={() => {
        if (template) write.mutate([putTemplate(template, form)], { onSuccess: editor.close });
      }}
    >
      {template?.channel === "email" ? (
        <TextInput label="Subject" description={hint} required maxLength={200} {...text("subject")} />
      ) : null}
      <Textarea
        label="Body"
        description={hint}
        required
        autosize
        minRows={4}
        maxRows={12}
        maxLength={2000}
        {...text("body")}
        data-autofocus
      />
      <PlaceholderPreview text={form.body} />
      <EnabledSwitch value={form.enabled} onChange={(value) => set("enabled", value)} />
    </FormShell>
  );
}

/** Turns one template on or off at once; every switch waits while one change is being saved. */
function TemplateSwitch({
  template,
  toggle,
}: {
  template: StatusTemplate;
  toggle: ReturnType<typeof useTemplateWrite>;
}) {
  return (
    <EnabledSwitch
      label={<VisuallyHidden>{`${templateName(template)} enabled`}</VisuallyHidden>}
      value={template.enabled}
      disabled={toggle.isPending || !written(template)}
      onChange={(enabled) =>
        toggle.mutate([putTemplate(template, { ...template, enabled })], {
          onError: notifyError("Update not switched"),
        })
      }
    />
  );
}

/** The start of a template's text, or that nothing is sent on its channel. */
function TemplateBody({ template }: { template: StatusTemplate }) {
  return (
    <Text fz="sm" c="dimmed" lineClamp={2} maw={460} fs={written(template) ? undefined : "italic"}>
      {written(template) ? template.body : "Not written: nothing is sent on this channel."}
    </Text>
  );
}

/** One event's templates, a row per channel, with a switch that turns each on or off at once. */
function EventTable({
  event,
  templates,
  pending,
  onEdit,
}: {
  event: NotificationEvent;
  templates: StatusTemplate[];
  pending: boolean;
  onEdit: (template: StatusTemplate) => void;
}) {
  const toggle = useTemplateWrite();
  return (
    <>
      <SectionHeader level={2} title={EVENT_LABEL[event]} />
      <Paper withBorder radius="md" mb="xl">
        <DataTable
          items={templates}
          pending={pending}
          skeleton={90}
          minWidth={800}
          label={`${EVENT_LABEL[event]} updates`}
          rowKey={(template) => template.channel}
          rowProps={(template) => ({
            "data-testid": "template-row",
            "data-event": template.event,
            "data-channel": template.channel,
          })}
          columns={[
            {
              header: "Channel",
              rowHeader: true,
              cell: (template) => CHANNEL_LABEL[template.channel],
            },
            {
              header: "Enabled",
              cell: (template) => <TemplateSwitch template={template} toggle={toggle} />,
            },
            {
              header: "Subject",
              cell: (template) =>
                template.channel === "email" ? template.subject : <Text c="dimmed">–</Text>,
            },
            {
              header: "Body",
              cell: (template) => <TemplateBody template={template} />,
            },
            {
              header: "Actions",
              hiddenHeader: true,
              cell: (template) => (
                <RowActions name={templateName(template)} onEdit={() => onEdit(template)} />
              ),
            },
          ]}
        />
      </Paper>
    </>
  );
}

export function UpdatesAdmin() {
  const query = useStatusTemplates();
  const editor = useEditor<StatusTemplate>();
  const items = query.data?.items ?? [];
  const placeholders = query.data?.placeholders ?? [];

  return (
    <>
      <SectionHeader
        title="Customer updates"
        description="What customers are sent when their case is created, waits on them, is resolved or reopened."
      />
      {placeholders.length ? (
        <Text fz="sm" mb="md">
          <PlaceholderHint placeholders={placeholders} />; an unknown one is refused.
        </Text>
      ) : null}
      {NOTIFICATION_EVENTS.map((event) => (
        <EventTable
          key={event}
          event={event}
          templates={eventRows(items, event)}
          pending={query.isPending}
          onEdit={editor.edit}
        />
      ))}
      <TemplateModal editor={editor} placeholders={placeholders} />
    </>
  );
}
