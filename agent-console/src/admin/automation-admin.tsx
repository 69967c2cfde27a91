/**
 * Admin → Automation: rule sets in order (first match or all match), their rules in order with
 * Up/Down, a rule editor with condition and action rows, and a dry-run listing the open cases a
 * rule would match now and why.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { formatDateTime } from "../lib/format.ts";
import {
  type ActionRow,
  ActionRows,
  actionSummary,
  type ConditionRow,
  ConditionRows,
  toActions,
  toConditions,
} from "./automation-editors.tsx";
import { send } from "./http.ts";

interface Rule {
  id: string;
  ruleSetId: string;
  name: string;
  trigger: "event" | "time";
  events: string[];
  timeAnchor: string | null;
  afterMinutes: number | null;
  conditions: { field: string; op: string; value?: unknown }[];
  actions: Record<string, unknown>[];
  enabled: boolean;
}

interface RuleSet {
  id: string;
  name: string;
  mode: "first_match" | "all_match";
  enabled: boolean;
  rules: Rule[];
}

interface DryRun {
  scanned: number;
  truncated: boolean;
  matched: {
    caseId: string;
    number: number;
    subject: string;
    state: string;
    why: string[];
    anchorAt?: string | null;
  }[];
}

const KEY = ["admin", "automation"] as const;
const BASE = "/api/admin/automation";
const EVENTS = ["case.created", "case.updated", "interaction.created"];
const ANCHORS = [
  "created",
  "waiting_on_customer_since",
  "unassigned_since",
  "last_customer_message",
  "last_agent_reply",
];

function useAutomationWrite() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      method,
      path,
      body,
    }: {
      method: "POST" | "PUT" | "DELETE";
      path: string;
      body?: unknown;
    }) => send(method, path, body),
    onSettled: () => client.invalidateQueries({ queryKey: KEY }),
  });
}

const triggerSummary = (rule: Rule) =>
  rule.trigger === "event"
    ? `on ${rule.events.join(", ")}`
    : `${rule.afterMinutes} min after ${rule.timeAnchor?.replaceAll("_", " ")}`;

function RuleEditor({ ruleSetId, onClose }: { ruleSetId: string; onClose(): void }) {
  const write = useAutomationWrite();
  const [name, setName] = useState("");
  const [trigger, setTrigger] = useState<"event" | "time">("event");
  const [events, setEvents] = useState<string[]>(["interaction.created"]);
  const [anchor, setAnchor] = useState<string>("created");
  const [minutes, setMinutes] = useState<number>(60);
  const [conditions, setConditions] = useState<ConditionRow[]>([]);
  const [actions, setActions] = useState<ActionRow[]>([{ type: "add_tags", param: "" }]);
  const save = () =>
    write.mutate(
      {
        method: "POST",
        path: `${BASE}/rules`,
        body: {
          ruleSetId,
          name,
          trigger,
          ...(trigger === "event" ? { events } : { timeAnchor: anchor, afterMinutes: minutes }),
          conditions: toConditions(conditions),
          actions: toActions(actions),
        },
      },
      { onSuccess: onClose },
    );
  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        required
      />
      <SegmentedControl
        value={trigger}
        onChange={(value) => setTrigger(value as "event" | "time")}
        data={[
          { value: "event", label: "On an event" },
          { value: "time", label: "On time" },
        ]}
      />
      {trigger === "event" ? (
        <MultiSelect label="Events" data={EVENTS} value={events} onChange={setEvents} />
      ) : (
        <Group grow>
          <Select
            label="Counting from"
            data={ANCHORS}
            value={anchor}
            onChange={(value) => setAnchor(value ?? "created")}
          />
          <NumberInput
            label="After minutes"
            min={1}
            value={minutes}
            onChange={(value) => setMinutes(Number(value) || 1)}
          />
        </Group>
      )}
      <ConditionRows rows={conditions} onChange={setConditions} />
      <ActionRows rows={actions} onChange={setActions} />
      {write.error && (
        <Alert color="red" role="alert" title="Rule not saved">
          {errorMessage(write.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={save} loading={write.isPending}>
          Create rule
        </Button>
      </Group>
    </Stack>
  );
}

function DryRunResult({ result }: { result: DryRun }) {
  return (
    <Stack gap="xs" data-testid="dry-run-result">
      <Text fz="sm">
        {result.matched.length} of {result.scanned} open cases looked at would match now
        {result.truncated ? " (only the most recently active were looked at)" : ""}.
      </Text>
      {result.matched.map((match) => (
        <Paper key={match.caseId} withBorder p="xs">
          <Anchor href={`/cases/${match.caseId}`} fz="sm" fw={500}>
            #{match.number} {match.subject || "(no subject)"}
          </Anchor>
          <Text fz="xs" c="dimmed">
            {match.state}
            {match.anchorAt ? ` · clock started ${formatDateTime(match.anchorAt)}` : ""}
          </Text>
          {match.why.map((line) => (
            <Text key={line} fz="xs">
              {line}
            </Text>
          ))}
        </Paper>
      ))}
    </Stack>
  );
}

interface RuleLineProps {
  rule: Rule;
  first: boolean;
  last: boolean;
  onMove(by: number): void;
  onDryRun(): void;
}

function RuleLine({ rule, first, last, onMove, onDryRun }: RuleLineProps) {
  const write = useAutomationWrite();
  return (
    <Table.Tr data-testid="automation-rule" data-rule={rule.name}>
      <Table.Td fw={500}>{rule.name}</Table.Td>
      <Table.Td fz="xs">
        {triggerSummary(rule)}
        {rule.conditions.length
          ? ` · ${rule.conditions.length} condition${rule.conditions.length > 1 ? "s" : ""}`
          : ""}
      </Table.Td>
      <Table.Td fz="xs">{rule.actions.map(actionSummary).join("; ")}</Table.Td>
      <Table.Td>
        <Switch
          aria-label={`${rule.name} enabled`}
          checked={rule.enabled}
          onChange={(event) =>
            write.mutate({
              method: "PUT",
              path: `${BASE}/rules/${rule.id}`,
              body: { enabled: event.currentTarget.checked },
            })
          }
        />
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-xs" variant="default" disabled={first} onClick={() => onMove(-1)}>
            Up
          </Button>
          <Button size="compact-xs" variant="default" disabled={last} onClick={() => onMove(1)}>
            Down
          </Button>
          <Button size="compact-xs" variant="light" onClick={onDryRun}>
            Dry-run
          </Button>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            onClick={() => write.mutate({ method: "DELETE", path: `${BASE}/rules/${rule.id}` })}
          >
            Delete
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function RuleTable({ set, onDryRun }: { set: RuleSet; onDryRun(rule: Rule): void }) {
  const write = useAutomationWrite();
  const move = (index: number, by: number) => {
    const ids = set.rules.map((rule) => rule.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    write.mutate({ method: "POST", path: `${BASE}/rules/reorder`, body: { ruleSetId: set.id, ids } });
  };
  if (!set.rules.length)
    return (
      <Text fz="sm" c="dimmed">
        No rules yet.
      </Text>
    );
  return (
    <Table striped withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Rule</Table.Th>
          <Table.Th>When</Table.Th>
          <Table.Th>Does</Table.Th>
          <Table.Th>On</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {set.rules.map((rule, index) => (
          <RuleLine
            key={rule.id}
            rule={rule}
            first={index === 0}
            last={index === set.rules.length - 1}
            onMove={(by) => move(index, by)}
            onDryRun={() => onDryRun(rule)}
          />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function NewRuleSet() {
  const write = useAutomationWrite();
  const [name, setName] = useState("");
  const [mode, setMode] = useState("all_match");
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        label="New rule set"
        placeholder="Inbound triage"
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
      />
      <SegmentedControl
        value={mode}
        onChange={setMode}
        data={[
          { value: "all_match", label: "All matching rules" },
          { value: "first_match", label: "First match only" },
        ]}
      />
      <Button
        disabled={!name.trim()}
        loading={write.isPending}
        onClick={() =>
          write.mutate(
            { method: "POST", path: `${BASE}/rule-sets`, body: { name, mode } },
            { onSuccess: () => setName("") },
          )
        }
      >
        Add rule set
      </Button>
      {write.error && (
        <Text c="red.7" fz="xs">
          {errorMessage(write.error)}
        </Text>
      )}
    </Group>
  );
}

function AutomationIntro() {
  return (
    <div>
      <Title order={1} fz="h2">
        Automation
      </Title>
      <Text c="dimmed" fz="sm">
        Rules run in this order after every change (on events) or when a case's clock runs out (on time). Each
        firing is noted on the case; a chain of rules stops after three changes in a row.
      </Text>
    </div>
  );
}

export function AutomationAdmin() {
  const sets = useQuery({
    queryKey: KEY,
    queryFn: () => send<{ items: RuleSet[] }>("GET", `${BASE}/rule-sets`),
  });
  const write = useAutomationWrite();
  const [editing, setEditing] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<{ rule: Rule; result?: DryRun; error?: string } | null>(null);
  const runDry = (rule: Rule) => {
    setDryRun({ rule });
    send<DryRun>("POST", `${BASE}/rules/${rule.id}/dry-run`, {})
      .then((result) => setDryRun({ rule, result }))
      .catch((error) => setDryRun({ rule, error: errorMessage(error) }));
  };
  return (
    <Stack gap="md">
      <AutomationIntro />
      <NewRuleSet />
      {sets.error && <Alert color="red">{errorMessage(sets.error)}</Alert>}
      {(sets.data?.items ?? []).map((set) => (
        <Paper key={set.id} withBorder p="md" data-testid="rule-set" data-set={set.name}>
          <Group justify="space-between" mb="sm">
            <Group gap="xs">
              <Title order={4}>{set.name}</Title>
              <Badge variant="light">{set.mode === "first_match" ? "first match" : "all match"}</Badge>
              <Switch
                label="Enabled"
                checked={set.enabled}
                onChange={(event) =>
                  write.mutate({
                    method: "PUT",
                    path: `${BASE}/rule-sets/${set.id}`,
                    body: { enabled: event.currentTarget.checked },
                  })
                }
              />
            </Group>
            <Group gap="xs">
              <Button size="xs" onClick={() => setEditing(set.id)}>
                New rule
              </Button>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => write.mutate({ method: "DELETE", path: `${BASE}/rule-sets/${set.id}` })}
              >
                Delete set
              </Button>
            </Group>
          </Group>
          <RuleTable set={set} onDryRun={runDry} />
        </Paper>
      ))}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title="New rule" size="xl">
        {editing && <RuleEditor ruleSetId={editing} onClose={() => setEditing(null)} />}
      </Modal>
      <Modal
        opened={dryRun !== null}
        onClose={() => setDryRun(null)}
        title={`Dry-run: ${dryRun?.rule.name ?? ""}`}
        size="lg"
      >
        {dryRun?.error && <Alert color="red">{dryRun.error}</Alert>}
        {dryRun?.result ? (
          <DryRunResult result={dryRun.result} />
        ) : (
          !dryRun?.error && <Text fz="sm">Looking at the open cases…</Text>
        )}
      </Modal>
    </Stack>
  );
}
