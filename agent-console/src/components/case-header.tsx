/**
 * The case's title line: number, subject, channel, state, priority, disposition, tags, and what
 * can be done with it.
 */
import { Badge, Button, Group, Paper, Select, Stack, TagsInput, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { errorMessage } from "../api/client.ts";
import { useCustomFields, useSetCaseFields } from "../api/custom-fields.ts";
import { useDispositions, useEditCase } from "../api/queries.ts";
import { type CaseDetail, FINAL_STATES, type Priority } from "../api/types.ts";
import { contactName, STATE_COLOR, STATE_LABEL } from "../lib/format.ts";
import { useNow } from "../lib/use-now.ts";
import { CallButton } from "../softphone/call-button.tsx";
import { CaseActions } from "./case-actions.tsx";
import { ChannelBadge } from "./channel-badge.tsx";
import { CsatSummary } from "./csat-rating.tsx";
import { CustomFieldInputs } from "./custom-field-inputs.tsx";
import { MacroMenu } from "./macro-menu.tsx";
import { SlaBadge } from "./sla-badge.tsx";
import { TakeCaseButton } from "./take-case-button.tsx";

const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];

/** Number and subject, then channel, state, SLA and customer. */
function CaseTitle({ detail }: { detail: CaseDetail }) {
  const now = useNow(1_000);
  return (
    <>
      <Group gap={8} wrap="nowrap">
        <Text fz="sm" c="dimmed" fw={500}>
          #{detail.number}
        </Text>
        <Title order={2} fz="lg" lineClamp={1}>
          {detail.subject || "(no subject)"}
        </Title>
      </Group>
      <Group gap={6}>
        <ChannelBadge channel={detail.channel} />
        <Badge
          size="sm"
          variant="light"
          color={STATE_COLOR[detail.state]}
          radius="sm"
          data-testid="case-state"
        >
          {STATE_LABEL[detail.state]}
        </Badge>
        <SlaBadge status={detail.slaStatus} dueAt={detail.slaDueAt} now={now} />
        <Text fz="sm" fw={600} ml={6}>
          {contactName(detail.contact)}
        </Text>
      </Group>
      {detail.csat && <CsatSummary csat={detail.csat} />}
    </>
  );
}

const fail = (title: string) => (error: unknown) =>
  notifications.show({ color: "red", title, message: errorMessage(error) });

/** Priority, disposition and tags, each saved as soon as it changes. */
function CaseFields({ detail }: { detail: CaseDetail }) {
  const edit = useEditCase(detail.id);
  // Current codes, plus a retired one the case already carries.
  const dispositionOptions = (useDispositions().data ?? [])
    .filter((code) => code.active || code.id === detail.dispositionId)
    .map((code) => ({ value: code.id, label: code.active ? code.label : `${code.label} (retired)` }));

  return (
    <Group gap="xs" wrap="wrap">
      <Select
        id="case-priority"
        size="xs"
        w={110}
        style={{ flexShrink: 0 }}
        aria-label="Priority"
        data={PRIORITIES}
        value={detail.priority}
        allowDeselect={false}
        onChange={(priority) =>
          priority &&
          priority !== detail.priority &&
          edit.mutate({ priority: priority as Priority }, { onError: fail("Priority not changed") })
        }
      />
      <Select
        size="xs"
        w={190}
        style={{ flexShrink: 0 }}
        aria-label="Disposition"
        placeholder="Disposition…"
        clearable
        searchable
        data={dispositionOptions}
        value={detail.dispositionId}
        onChange={(dispositionId) =>
          dispositionId !== detail.dispositionId &&
          edit.mutate({ dispositionId }, { onError: fail("Disposition not changed") })
        }
        data-testid="case-disposition"
      />
      <TagsInput
        size="xs"
        aria-label="Tags"
        placeholder={detail.tags.length ? undefined : "Add tags"}
        value={detail.tags}
        onChange={(tags) => edit.mutate({ tags }, { onError: fail("Tags not changed") })}
        maxTags={30}
        style={{ flex: "1 1 160px", maxWidth: 360 }}
        data-testid="case-tags"
      />
    </Group>
  );
}

/** The admin's custom fields of the case, edited in place (a finished case's are read-only). */
function CaseCustomFields({ detail }: { detail: CaseDetail }) {
  const fields = useCustomFields("case").data ?? [];
  const save = useSetCaseFields(detail.id);
  return (
    <CustomFieldInputs
      fields={fields}
      values={detail.customFields ?? {}}
      queueId={detail.queueId}
      disabled={detail.state === "closed"}
      save={(values) => save.mutateAsync(values)}
    />
  );
}

interface CaseHeaderProps {
  detail: CaseDetail;
  onTransfer(): void;
  /** On a screen too narrow for the customer panel beside the case: opens it as a drawer. */
  onShowCustomer?: () => void;
}

export function CaseHeader({ detail, onTransfer, onShowCustomer }: CaseHeaderProps) {
  return (
    <Paper
      component="header"
      px="lg"
      py="sm"
      radius={0}
      style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}
    >
      {/* On a narrow screen (a tablet held upright) the actions move below the title and fields. */}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={6} style={{ minWidth: 0, flex: "1 1 320px" }}>
          <CaseTitle detail={detail} />
          <CaseFields detail={detail} />
          <CaseCustomFields detail={detail} />
        </Stack>
        {/* At most the header's width: on a phone the buttons wrap instead of running off the screen. */}
        <Stack gap={6} align="flex-end" style={{ flexShrink: 1, maxWidth: "100%", marginLeft: "auto" }}>
          <TakeCaseButton detail={detail} />
          <CaseActions
            // A refusal naming empty required fields no longer applies once the fields change.
            key={JSON.stringify(detail.customFields ?? {})}
            caseId={detail.id}
            state={detail.state}
            allowed={detail.allowedActions}
            dispositionId={detail.dispositionId}
          />
          <Group gap={6} wrap="wrap" justify="flex-end">
            {onShowCustomer && (
              <Button size="xs" variant="light" onClick={onShowCustomer} aria-haspopup="dialog">
                Customer & SLA
              </Button>
            )}
            <CallButton detail={detail} />
            <MacroMenu caseId={detail.id} disabled={FINAL_STATES.includes(detail.state)} />
            <Button
              size="xs"
              variant="default"
              onClick={onTransfer}
              disabled={FINAL_STATES.includes(detail.state)}
            >
              Transfer…
            </Button>
          </Group>
        </Stack>
      </Group>
    </Paper>
  );
}
