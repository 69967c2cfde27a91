/** Campaigns: the table with start, pause and recycle, the form to create or change one, and a campaign's dashboard. */
import { Badge, Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import {
  type CampaignAction,
  useCallLists,
  useCampaignAction,
  useCampaigns,
  useOutboundReadiness,
} from "./api.ts";
import { CampaignDashboard } from "./campaign-dashboard.tsx";
import { CampaignForm } from "./campaign-form.tsx";
import type { Campaign } from "./types.ts";
import { CallsNotReady, ErrorAlert, Panel, SimpleTable, STATUS_COLOR } from "./ui.tsx";

const ACTIONS: { action: CampaignAction; label: string; shown: (campaign: Campaign) => boolean }[] = [
  { action: "start", label: "Start", shown: (c) => c.status !== "running" },
  { action: "pause", label: "Pause", shown: (c) => c.status === "running" },
  { action: "recycle", label: "Recycle", shown: () => true },
];

function Actions({
  campaign,
  busy,
  onAction,
  onEdit,
  onDashboard,
}: {
  campaign: Campaign;
  busy: CampaignAction | null;
  onAction: (action: CampaignAction) => void;
  onEdit: () => void;
  onDashboard: () => void;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      {ACTIONS.filter((item) => item.shown(campaign)).map((item) => (
        <Button
          key={item.action}
          size="compact-xs"
          variant="light"
          aria-label={`${item.label} ${campaign.name}`}
          loading={busy === item.action}
          onClick={() => onAction(item.action)}
        >
          {item.label}
        </Button>
      ))}
      <Button size="compact-xs" variant="subtle" aria-label={`Edit ${campaign.name}`} onClick={onEdit}>
        Edit
      </Button>
      <Button
        size="compact-xs"
        variant="subtle"
        aria-label={`Dashboard of ${campaign.name}`}
        onClick={onDashboard}
      >
        Dashboard
      </Button>
    </Group>
  );
}

/** What the last start, pause or recycle did, in words. */
function actionOutcome(campaign: Campaign | undefined, result: Campaign | { recycled: number }): string {
  const name = campaign?.name ?? "The campaign";
  return "recycled" in result
    ? `${name}: ${result.recycled} records back on the list.`
    : `${name} is now ${result.status}.`;
}

export function CampaignsPanel() {
  const campaigns = useCampaigns();
  const lists = useCallLists().data ?? [];
  const [editing, setEditing] = useState<Campaign | "new" | null>(null);
  const [shownId, setShownId] = useState("");
  const rows = campaigns.data ?? [];
  const shown = rows.find((item) => item.id === shownId);
  const listName = (listId: string) => lists.find((list) => list.id === listId)?.name ?? "—";
  const act = useCampaignAction();
  const readiness = useOutboundReadiness();
  const acted = rows.find((item) => item.id === act.variables?.campaignId);

  return (
    <Stack gap="md">
      <Panel title="Campaigns" testId="campaigns">
        <Stack gap="sm">
          <ErrorAlert error={campaigns.error} title="Campaigns are not available" />
          <CallsNotReady message={readiness.data?.message} />
          <Group>
            <Button onClick={() => setEditing("new")} disabled={editing === "new"}>
              New campaign
            </Button>
          </Group>
          <SimpleTable
            caption="Campaigns"
            testId="campaign-table"
            rows={rows}
            rowKey={(row) => row.id}
            empty="No campaign yet."
            columns={[
              { header: "Name", cell: (row) => row.name },
              { header: "Mode", cell: (row) => row.mode },
              {
                header: "Status",
                cell: (row) => (
                  <Badge color={STATUS_COLOR[row.status]} data-testid="campaign-status">
                    {row.status}
                  </Badge>
                ),
              },
              { header: "List", cell: (row) => listName(row.listId) },
              {
                header: "Actions",
                cell: (row) => (
                  <Actions
                    campaign={row}
                    busy={act.isPending && act.variables?.campaignId === row.id ? act.variables.action : null}
                    onAction={(action) => act.mutate({ campaignId: row.id, action })}
                    onEdit={() => setEditing(row)}
                    onDashboard={() => setShownId(row.id)}
                  />
                ),
              },
            ]}
          />
          <ErrorAlert error={act.error} title={`${acted?.name ?? "The campaign"}: not done`} />
          {act.data && (
            <Text fz="sm" role="status" data-testid="campaign-action-result">
              {actionOutcome(acted, act.data)}
            </Text>
          )}
        </Stack>
      </Panel>
      {editing && (
        <Panel title={editing === "new" ? "New campaign" : `Edit ${editing.name}`} testId="campaign-editor">
          <CampaignForm
            key={editing === "new" ? "new" : editing.id}
            {...(editing === "new" ? {} : { campaign: editing })}
            onDone={() => setEditing(null)}
          />
        </Panel>
      )}
      {shown && <CampaignDashboard key={shown.id} campaignId={shown.id} name={shown.name} />}
    </Stack>
  );
}
