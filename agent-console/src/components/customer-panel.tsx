/**
 * The customer's 360° view beside the case: who they are on every channel and whether they may be
 * messaged there, what we know about them, the SLA targets of this case, and their other cases on
 * any channel.
 */
import { Anchor, Badge, Button, Divider, Group, Loader, ScrollArea, Stack, Text, Title } from "@mantine/core";
import type { MouseEvent } from "react";
import { useVerifyIdentity } from "../api/contact-queries.ts";
import { useCustomFields, useSetContactFields } from "../api/custom-fields.ts";
import { useCaseSla, useContactCases } from "../api/queries.ts";
import type { CaseDetail, Identity } from "../api/types.ts";
import {
  contactName,
  formatAgo,
  formatDateTime,
  formatDuration,
  STATE_COLOR,
  STATE_LABEL,
} from "../lib/format.ts";
import { navigate, pathOf, type Route } from "../lib/router.ts";
import { useNow } from "../lib/use-now.ts";
import { ChannelBadge } from "./channel-badge.tsx";
import { CustomFieldInputs } from "./custom-field-inputs.tsx";

const IDENTITY_LABEL = { phone: "Phone", email: "Email", chat: "Web chat" } as const;
const METRIC_LABEL: Record<string, string> = {
  first_response: "First response",
  next_response: "Next response",
  periodic_update: "Periodic update",
  resolution: "Resolution",
  answer: "Answer in queue",
};
const SLA_COLOR: Record<string, string> = {
  active: "gray",
  at_risk: "yellow",
  breached: "red",
  met: "green",
  met_late: "orange",
};

function RouteLink({ route, children }: { route: Route; children: React.ReactNode }) {
  return (
    <Anchor
      href={pathOf(route)}
      fz="sm"
      onClick={(event: MouseEvent) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(route);
      }}
    >
      {children}
    </Anchor>
  );
}

/** Confirms an unverified address: the agent has checked it is the customer's. */
function ConfirmIdentity({ contactId, identityId }: { contactId: string; identityId: string }) {
  const verify = useVerifyIdentity(contactId);
  return (
    <Button
      size="compact-xs"
      variant="light"
      loading={verify.isPending}
      title={verify.error ? verify.error.message : "Confirm this address is the customer's"}
      color={verify.error ? "red" : undefined}
      onClick={() => verify.mutate(identityId)}
    >
      Confirm
    </Button>
  );
}

function ConsentBadge({ identity }: { identity: Identity }) {
  if (!identity.verified)
    return (
      <Badge
        size="xs"
        color="yellow"
        variant="light"
        title="Typed in by the customer, not proven: mail from this address does not reach this contact until an agent confirms it or the customer follows the link mailed to it"
      >
        Unverified
      </Badge>
    );
  if (identity.optedOutAt)
    return (
      <Badge size="xs" color="red" variant="light" title={`Opted out ${formatDateTime(identity.optedOutAt)}`}>
        Opted out{identity.optOutMethod ? ` (${identity.optOutMethod})` : ""}
      </Badge>
    );
  return identity.kind !== "chat" ? (
    <Badge size="xs" color="green" variant="light">
      Can contact
    </Badge>
  ) : null;
}

/** One address of the contact; with `contactId`, an unverified one offers to confirm it. */
export function IdentityLine({ identity, contactId }: { identity: Identity; contactId?: string }) {
  return (
    <div data-testid="identity">
      <Text fz="xs" c="dimmed">
        {IDENTITY_LABEL[identity.kind]}
      </Text>
      <Group gap={6}>
        <Text fz="sm" style={{ wordBreak: "break-all" }}>
          {identity.kind === "chat" ? "visitor" : identity.address}
        </Text>
        <ConsentBadge identity={identity} />
        {!identity.verified && contactId ? (
          <ConfirmIdentity contactId={contactId} identityId={identity.id} />
        ) : null}
      </Group>
    </div>
  );
}

function SlaTargets({ caseId }: { caseId: string }) {
  const targets = useCaseSla(caseId);
  const now = useNow(5_000);
  if (targets.isPending) return <Loader size="xs" aria-label="Loading SLA targets" />;
  const items = (targets.data ?? []).filter((target) => target.dueAt || target.metAt);
  if (!items.length)
    return (
      <Text fz="sm" c="dimmed">
        No SLA target on this case.
      </Text>
    );
  return (
    <Stack gap={4}>
      {items.map((target) => (
        <Group key={`${target.metric}-${target.cycle}`} justify="space-between" wrap="nowrap" gap="xs">
          <Text fz="sm">{METRIC_LABEL[target.metric] ?? target.metric}</Text>
          <Badge size="xs" variant="light" color={SLA_COLOR[target.status] ?? "gray"}>
            {target.status === "met" || target.status === "met_late"
              ? target.status.replace("_", " ")
              : target.paused
                ? "paused"
                : target.dueAt
                  ? Date.parse(target.dueAt) > now
                    ? `${formatDuration(Date.parse(target.dueAt) - now)} left`
                    : `${formatDuration(now - Date.parse(target.dueAt))} over`
                  : target.status}
          </Badge>
        </Group>
      ))}
    </Stack>
  );
}

/** The admin's contact fields, edited in place. */
function ContactFields({ detail }: { detail: CaseDetail }) {
  const fields = useCustomFields("contact").data ?? [];
  const save = useSetContactFields(detail.contact.id);
  return (
    <CustomFieldInputs
      fields={fields}
      values={detail.contact.customFields ?? {}}
      width={220}
      save={(values) => save.mutateAsync(values)}
    />
  );
}

export function CustomerPanel({ detail }: { detail: CaseDetail }) {
  const others = useContactCases(detail.contact.id);
  const now = useNow(30_000);
  const attributes = Object.entries(detail.contact.attributes ?? {});
  const otherCases = (others.data?.items ?? []).filter((item) => item.id !== detail.id);

  return (
    <ScrollArea h="100%" type="auto" component="aside" aria-label="Customer" data-testid="customer-panel">
      <Stack gap="sm" p="md">
        <div>
          <Title order={3} fz="md">
            {contactName(detail.contact)}
          </Title>
          <RouteLink route={{ name: "contacts", contactId: detail.contact.id }}>Open contact</RouteLink>
        </div>
        <Stack gap={4} aria-label="Identities">
          {detail.contact.identities.map((identity) => (
            <IdentityLine key={identity.id} identity={identity} contactId={detail.contact.id} />
          ))}
        </Stack>
        {attributes.length > 0 && (
          <Stack gap={2}>
            {attributes.map(([key, value]) => (
              <Group key={key} gap={6} wrap="nowrap">
                <Text fz="xs" c="dimmed" w={90} truncate>
                  {key}
                </Text>
                <Text fz="sm" truncate>
                  {String(value)}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
        <ContactFields detail={detail} />
        <Divider />
        <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
          SLA
        </Text>
        <SlaTargets caseId={detail.id} />
        <Divider />
        <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
          Other cases · {others.isPending ? "…" : otherCases.length}
        </Text>
        {otherCases.length === 0 && !others.isPending && (
          <Text fz="sm" c="dimmed">
            This is their only case.
          </Text>
        )}
        <Stack gap={6} data-testid="other-cases">
          {otherCases.map((item) => (
            <div key={item.id}>
              <Group gap={6} wrap="nowrap">
                <ChannelBadge channel={item.channel} size="xs" />
                <RouteLink route={{ name: "case", caseId: item.id }}>
                  #{item.number} {item.subject || "(no subject)"}
                </RouteLink>
              </Group>
              <Group gap={6}>
                <Badge size="xs" variant="outline" color={STATE_COLOR[item.state]}>
                  {STATE_LABEL[item.state]}
                </Badge>
                <Text fz="xs" c="dimmed">
                  {formatAgo(item.updatedAt, now)}
                </Text>
              </Group>
            </div>
          ))}
        </Stack>
      </Stack>
    </ScrollArea>
  );
}
