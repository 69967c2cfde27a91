/** The inbox table's cells that hold more than a value: SLA, CSAT, activity, selection, assignee. */
import { Checkbox, Text } from "@mantine/core";
import { createContext, useContext } from "react";
import { useAgentDirectory } from "../../api/queries.ts";
import type { CaseListItem } from "../../api/types.ts";
import { csatColor, stars } from "../../components/csat-rating.tsx";
import { SlaBadge } from "../../components/sla-badge.tsx";
import { formatAgo } from "../../lib/format.ts";

type CaseSummary = CaseListItem;

export const NowContext = createContext(Date.now());

/** Which rows are ticked for a bulk action; owned by the inbox page. */
export interface InboxSelection {
  selected: ReadonlySet<string>;
  toggle(caseId: string): void;
  /** Ticks every row shown (up to what one bulk action takes), or clears them all. */
  toggleAll(): void;
  all: "all" | "some" | "none";
}

export const SelectionContext = createContext<InboxSelection | null>(null);

/** Above the row's stretched link, so a click ticks the box instead of opening the case. */
const ABOVE_LINK = { position: "relative", zIndex: 1 } as const;

export function SelectAllBox() {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  return (
    <Checkbox
      size="xs"
      aria-label="Select all on this page"
      checked={selection.all === "all"}
      indeterminate={selection.all === "some"}
      onChange={selection.toggleAll}
      data-testid="select-all"
    />
  );
}

export function SelectBox({ summary }: { summary: CaseSummary }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  return (
    <Checkbox
      size="xs"
      style={ABOVE_LINK}
      aria-label={`Select case #${summary.number}`}
      checked={selection.selected.has(summary.id)}
      onChange={() => selection.toggle(summary.id)}
    />
  );
}

/**
 * The assignee's name. A live update may have moved the case since the list was read (it carries
 * the new id only): the name then comes from the colleague directory.
 */
export function AssigneeCell({ summary }: { summary: CaseSummary }) {
  const directory = useAgentDirectory().data;
  if (!summary.assigneeId)
    return (
      <Text component="span" fz="xs" c="dimmed">
        Unassigned
      </Text>
    );
  const name =
    summary.assignee?.id === summary.assigneeId
      ? summary.assignee.name
      : directory?.find((colleague) => colleague.id === summary.assigneeId)?.name;
  return (
    <Text component="span" fz="sm" title={name}>
      {name ?? "…"}
    </Text>
  );
}

export function SlaCell({ summary }: { summary: CaseSummary }) {
  const now = useContext(NowContext);
  return <SlaBadge status={summary.slaStatus} dueAt={summary.slaDueAt} now={now} size="xs" />;
}

/** The customer's rating as stars, the comment on hover; a dash while unrated. */
export function CsatCell({ summary }: { summary: CaseSummary }) {
  const csat = summary.csat;
  if (!csat)
    return (
      <Text component="span" fz="xs" c="dimmed" aria-label="Not rated">
        –
      </Text>
    );
  return (
    <Text
      component="span"
      fz="xs"
      c={csatColor(csat.rating)}
      title={csat.comment ?? undefined}
      aria-label={`Rated ${csat.rating} of 5`}
      data-testid="inbox-csat"
      style={{ whiteSpace: "nowrap" }}
    >
      {stars(csat.rating)}
    </Text>
  );
}

export function UpdatedCell({ iso }: { iso: string }) {
  const now = useContext(NowContext);
  return (
    <Text component="span" fz="xs" c="dimmed">
      {formatAgo(iso, now)}
    </Text>
  );
}
