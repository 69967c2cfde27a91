/**
 * The subject cell, which carries what the table's width leaves out: on a narrower table a second
 * line with the folded columns (customer, number, channel, activity, rating), on a phone the whole
 * case as a card (subject, customer, state, SLA, assignee).
 */
import { Badge, Group, Text } from "@mantine/core";
import { createContext, type ReactNode, useContext } from "react";
import type { CaseListItem } from "../../api/types.ts";
import {
  CHANNEL_LABEL,
  contactName,
  formatAgo,
  PRIORITY_COLOR,
  STATE_COLOR,
  STATE_LABEL,
} from "../../lib/format.ts";
import { AssigneeCell, CsatCell, NowContext, SlaCell } from "./inbox-cells.tsx";
import { type InboxLayout, inboxLayout } from "./inbox-layout.ts";
import classes from "./inbox-table.module.css";

export const LayoutContext = createContext<InboxLayout>(inboxLayout(0));

export function StateBadge({ summary }: { summary: CaseListItem }) {
  return (
    <Badge size="xs" variant="outline" radius="sm" color={STATE_COLOR[summary.state]}>
      {STATE_LABEL[summary.state]}
    </Badge>
  );
}

export function PriorityBadge({ summary }: { summary: CaseListItem }) {
  const priority = summary.priority;
  return (
    <Badge
      size="xs"
      radius="sm"
      variant={priority === "urgent" || priority === "high" ? "filled" : "light"}
      color={PRIORITY_COLOR[priority]}
    >
      {priority}
    </Badge>
  );
}

/** The folded columns' facts, in the table's order, as one quiet line. */
function FoldedFacts({ summary, layout }: { summary: CaseListItem; layout: InboxLayout }) {
  const now = useContext(NowContext);
  const folded = layout.folded;
  const facts: [string, ReactNode][] = [];
  if (folded.has("customer")) facts.push(["customer", contactName(summary.contact)]);
  if (folded.has("number")) facts.push(["number", `#${summary.number}`]);
  if (folded.has("channel")) facts.push(["channel", CHANNEL_LABEL[summary.channel]]);
  if (folded.has("updatedAt")) facts.push(["updatedAt", formatAgo(summary.updatedAt, now)]);
  if (folded.has("csat") && summary.csat) facts.push(["csat", <CsatCell key="csat" summary={summary} />]);
  return (
    <Text component="span" fz="xs" c="dimmed" className={classes.line} data-testid="inbox-folded">
      {facts.map(([column, fact], index) => (
        <span key={column}>
          {index > 0 && " · "}
          <span>{fact}</span>
        </span>
      ))}
    </Text>
  );
}

/** A case on a phone: the subject, then who and what, then where it stands. */
function CaseCard({ summary, layout }: { summary: CaseListItem; layout: InboxLayout }) {
  const urgent = summary.priority === "urgent" || summary.priority === "high";
  return (
    <span className={classes.card}>
      <Group gap={6} wrap="nowrap" component="span">
        <Text component="span" fz="sm" fw={600} className={classes.line} style={{ flex: 1 }}>
          {summary.subject || "(no subject)"}
        </Text>
        {urgent && <PriorityBadge summary={summary} />}
      </Group>
      <FoldedFacts summary={summary} layout={layout} />
      <Group gap={6} wrap="nowrap" component="span" style={{ overflow: "hidden" }}>
        <StateBadge summary={summary} />
        <SlaCell summary={summary} />
        <AssigneeCell summary={summary} />
      </Group>
    </span>
  );
}

export function SubjectCell({ summary }: { summary: CaseListItem }) {
  const layout = useContext(LayoutContext);
  if (layout.kind === "cards") return <CaseCard summary={summary} layout={layout} />;
  const subject = summary.subject || "(no subject)";
  if (layout.folded.size === 0) return subject;
  return (
    <span className={classes.twoLines}>
      <span className={classes.line}>{subject}</span>
      <FoldedFacts summary={summary} layout={layout} />
    </span>
  );
}
