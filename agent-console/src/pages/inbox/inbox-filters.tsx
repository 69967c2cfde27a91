/** The inbox's scope, queue, filters and search; every change is a new server query. */
import { Button, Group, MultiSelect, SegmentedControl, Select, TextInput } from "@mantine/core";
import { useDebouncedCallback, useMediaQuery } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { useAgentDirectory, useQueues } from "../../api/queries.ts";
import type { InboxFilters } from "../../api/query-keys.ts";
import { PHONE_QUERY } from "../../components/app-header.tsx";
import { FieldFilters } from "./field-filters.tsx";
import { DEFAULT_FILTERS, fieldFilters } from "./inbox-url.ts";

const STATUS_OPTIONS = [
  { value: "open", label: "Open (any)" },
  { value: "new", label: "New" },
  { value: "queued", label: "Queued" },
  { value: "assigned", label: "Assigned" },
  { value: "waiting_on_customer", label: "Waiting on customer" },
  { value: "resolved", label: "Resolved" },
  { value: "closed", label: "Closed" },
];
const CHANNEL_OPTIONS = [
  { value: "chat", label: "Chat" },
  { value: "email", label: "Email" },
  { value: "sms", label: "SMS" },
  { value: "voice", label: "Voice" },
];
const PRIORITY_OPTIONS = [
  { value: "urgent", label: "Urgent" },
  { value: "high", label: "High" },
  { value: "normal", label: "Normal" },
  { value: "low", label: "Low" },
];
const SLA_OPTIONS = [
  { value: "breached", label: "Breached" },
  { value: "at_risk", label: "At risk" },
  { value: "active", label: "On track" },
  { value: "none", label: "No target" },
];
const CSAT_OPTIONS = [
  { value: "low", label: "Low (1–2 ★)" },
  { value: "rated", label: "Rated" },
  { value: "unrated", label: "Not rated" },
  ...[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${"★".repeat(n)} ${n}` })),
];

/** The three common answers to "whose cases"; a single colleague is picked in the select beside it. */
const WHOSE = ["me", "none", "any"];

/** The list filters, each a multi-select of its options. */
const MULTI_FILTERS: {
  key: "status" | "channel" | "priority" | "sla" | "csat";
  label: string;
  any: string;
  options: { value: string; label: string }[];
  width: number;
  /** How many may be chosen at once (the field's width). */
  max?: number;
}[] = [
  { key: "status", label: "Status", any: "Any status", options: STATUS_OPTIONS, width: 170, max: 4 },
  { key: "channel", label: "Channel", any: "Any channel", options: CHANNEL_OPTIONS, width: 150 },
  { key: "priority", label: "Priority", any: "Any priority", options: PRIORITY_OPTIONS, width: 150 },
  { key: "sla", label: "SLA", any: "Any SLA state", options: SLA_OPTIONS, width: 150 },
  { key: "csat", label: "CSAT", any: "Any rating", options: CSAT_OPTIONS, width: 150 },
];

export function InboxFilterBar({
  filters,
  onChange,
}: {
  filters: InboxFilters;
  /** Merged into the current filters by the owner, so a late (debounced) change never undoes another. */
  onChange(patch: Partial<InboxFilters>): void;
}) {
  const [search, setSearch] = useState(filters.q);
  const commitSearch = useDebouncedCallback((q: string) => onChange({ q }), 300);
  // Another view or a link changed the search: show it (but never trim what is being typed).
  useEffect(() => {
    setSearch((typed) => (typed.trim() === filters.q ? typed : filters.q));
  }, [filters.q]);
  const set = onChange;
  // On a phone the filters would fill the screen: the search and "whose" stay, the rest fold.
  const phone = useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false }) ?? false;
  const [unfolded, setUnfolded] = useState(false);
  const folded = phone && !unfolded;
  // Filters changed from the defaults: the usual "open" status is not counted.
  const active =
    MULTI_FILTERS.filter(({ key }) => filters[key].join(",") !== DEFAULT_FILTERS[key].join(",")).length +
    (filters.queueId ? 1 : 0) +
    fieldFilters(filters).length +
    (WHOSE.includes(filters.assignee) ? 0 : 1);

  return (
    <Group gap="xs" align="flex-end" wrap="wrap" role="search" aria-label="Filter cases">
      <SegmentedControl
        aria-label="Whose cases"
        size="xs"
        value={WHOSE.includes(filters.assignee) ? filters.assignee : ""}
        onChange={(assignee) => set({ assignee })}
        data={[
          { value: "me", label: "My cases" },
          { value: "none", label: "Unassigned" },
          { value: "any", label: "All" },
        ]}
      />
      {phone && (
        <Button
          size="xs"
          variant={active ? "light" : "default"}
          aria-expanded={unfolded}
          aria-controls="inbox-more-filters"
          onClick={() => setUnfolded((open) => !open)}
        >
          {unfolded ? "Fewer filters" : active ? `Filters · ${active}` : "Filters"}
        </Button>
      )}
      <TextInput
        id="inbox-search"
        size="xs"
        w={phone ? "100%" : 220}
        aria-label="Search cases"
        placeholder="Search subject, customer, text, #number  ( / )"
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          commitSearch(event.currentTarget.value);
        }}
      />
      {!folded && <MoreFilters filters={filters} onChange={set} />}
    </Group>
  );
}

/** Who it is assigned to, the queue, and the multi-select filters. */
function MoreFilters({
  filters,
  onChange: set,
}: {
  filters: InboxFilters;
  onChange(patch: Partial<InboxFilters>): void;
}) {
  const queues = useQueues().data ?? [];
  const colleagues = useAgentDirectory().data ?? [];
  return (
    <Group gap="xs" align="flex-end" wrap="wrap" id="inbox-more-filters" style={{ display: "contents" }}>
      <Select
        size="xs"
        w={160}
        aria-label="Assigned to"
        placeholder="Assigned to…"
        clearable
        searchable
        data={colleagues.map((colleague) => ({ value: colleague.id, label: colleague.name }))}
        value={WHOSE.includes(filters.assignee) ? null : filters.assignee}
        onChange={(agentId) => set({ assignee: agentId ?? "any" })}
      />
      <Select
        size="xs"
        w={150}
        aria-label="Queue"
        placeholder="All queues"
        clearable
        data={queues.map((queue) => ({ value: queue.id, label: queue.name }))}
        value={filters.queueId}
        onChange={(queueId) => set({ queueId })}
      />
      {MULTI_FILTERS.map(({ key, label, any, options, width, max }) => (
        <MultiSelect
          key={key}
          size="xs"
          w={width}
          aria-label={label}
          placeholder={filters[key].length ? undefined : any}
          data={options}
          value={filters[key]}
          onChange={(value) => set({ [key]: value })}
          maxValues={max}
        />
      ))}
      <FieldFilters filters={filters} onChange={set} />
    </Group>
  );
}
