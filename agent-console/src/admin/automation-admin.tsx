/**
 * Admin → Automation: rule sets in order (first match or all match), their rules in order, the
 * rule editor (rule-dialog.tsx) for new and existing rules, and a dry-run listing the open cases a
 * rule would match now and why.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { formatDateTime } from "../lib/format.ts";
import {
  AUTOMATION_BASE,
  AUTOMATION_KEY,
  type DryRun,
  MODE_OPTIONS,
  moved,
  type Rule,
  type RuleSet,
  useAutomationWrite,
} from "./automation-api.ts";
import { send } from "./http.ts";
import { notifyError } from "./notify.ts";
import { RuleDialog, type RuleDialogTarget } from "./rule-dialog.tsx";
import { RuleSetCard } from "./rule-set-card.tsx";

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
      <SegmentedControl value={mode} onChange={setMode} data={MODE_OPTIONS} />
      <Button
        disabled={!name.trim()}
        loading={write.isPending}
        onClick={() =>
          write.mutate(
            { method: "POST", path: `${AUTOMATION_BASE}/rule-sets`, body: { name, mode } },
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
        Rule sets, and the rules in each, run in this order after every change (on events) or when a case's
        clock runs out (on time). Each firing is noted on the case; a chain of rules stops after three changes
        in a row.
      </Text>
    </div>
  );
}

export function AutomationAdmin() {
  const sets = useQuery({
    queryKey: AUTOMATION_KEY,
    queryFn: () => send<{ items: RuleSet[] }>("GET", `${AUTOMATION_BASE}/rule-sets`),
  });
  const write = useAutomationWrite();
  const [editing, setEditing] = useState<RuleDialogTarget | null>(null);
  const [dryRun, setDryRun] = useState<{ rule: Rule; result?: DryRun; error?: string } | null>(null);
  const items = sets.data?.items ?? [];
  const moveSet = (index: number, by: number) =>
    write.mutate(
      {
        method: "POST",
        path: `${AUTOMATION_BASE}/rule-sets/reorder`,
        body: {
          ids: moved(
            items.map((set) => set.id),
            index,
            by,
          ),
        },
      },
      { onError: notifyError("Order not saved") },
    );
  const runDry = (rule: Rule) => {
    setDryRun({ rule });
    send<DryRun>("POST", `${AUTOMATION_BASE}/rules/${rule.id}/dry-run`, {})
      .then((result) => setDryRun({ rule, result }))
      .catch((error) => setDryRun({ rule, error: errorMessage(error) }));
  };
  return (
    <Stack gap="md">
      <AutomationIntro />
      <NewRuleSet />
      {sets.error && <Alert color="red">{errorMessage(sets.error)}</Alert>}
      {items.map((set, index) => (
        <RuleSetCard
          key={set.id}
          set={set}
          first={index === 0}
          last={index === items.length - 1}
          onMove={(by) => moveSet(index, by)}
          onNewRule={() => setEditing({ ruleSetId: set.id })}
          onEdit={(rule) => setEditing({ ruleSetId: set.id, rule })}
          onDryRun={runDry}
        />
      ))}
      <RuleDialog target={editing} onClose={() => setEditing(null)} />
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
