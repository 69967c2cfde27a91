/**
 * Outbound telesales in the console: the agent's calls (`/outbound`, `/outbound/<campaign id>`) and,
 * for supervisors and admins, call lists, campaigns with their dashboards and the do-not-call list
 * (`/outbound/lists`, `/outbound/campaigns`, `/outbound/dnc`). Loaded on demand (lazy).
 */
import { Tabs } from "@mantine/core";
import { AreaShell, useAreaRole } from "../components/area-shell.tsx";
import { navigate } from "../lib/router.ts";
import { CallsPage } from "./calls-page.tsx";
import { CampaignsPanel } from "./campaigns-panel.tsx";
import { DoNotCallPanel } from "./dnc-panel.tsx";
import { ListsPanel } from "./lists-panel.tsx";

const SUPERVISOR_VIEWS = ["lists", "campaigns", "dnc"] as const;
type SupervisorView = (typeof SUPERVISOR_VIEWS)[number];
const isSupervisorView = (section: string): section is SupervisorView =>
  (SUPERVISOR_VIEWS as readonly string[]).includes(section);

export default function OutboundPage({ section }: { section: string }) {
  const role = useAreaRole("Outbound · Switchboard");
  const supervises = role === "supervisor" || role === "admin";
  const view = supervises && isSupervisorView(section) ? section : "calls";
  const campaignId = isSupervisorView(section) ? "" : section;

  const calls = <CallsPage campaignId={campaignId} />;
  return (
    <AreaShell>
      {supervises ? (
        <Tabs
          value={view}
          onChange={(next) => next && navigate({ name: "outbound", section: next === "calls" ? "" : next })}
          keepMounted={false}
          variant="outline"
        >
          <Tabs.List aria-label="Outbound views">
            <Tabs.Tab value="calls">Calls</Tabs.Tab>
            <Tabs.Tab value="lists">Call lists</Tabs.Tab>
            <Tabs.Tab value="campaigns">Campaigns</Tabs.Tab>
            <Tabs.Tab value="dnc">Do not call</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="calls" pt="md">
            {calls}
          </Tabs.Panel>
          <Tabs.Panel value="lists" pt="md">
            <ListsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="campaigns" pt="md">
            <CampaignsPanel />
          </Tabs.Panel>
          <Tabs.Panel value="dnc" pt="md">
            <DoNotCallPanel />
          </Tabs.Panel>
        </Tabs>
      ) : role ? (
        calls
      ) : null}
    </AreaShell>
  );
}
