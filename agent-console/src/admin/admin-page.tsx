/** The admin pages, one section at a time; loaded on demand (lazy), for admins only. */
import { AppShell, NavLink, ScrollArea, Text } from "@mantine/core";
import type { ComponentType } from "react";
import { AppHeader } from "../components/app-header.tsx";
import { useAreaRole } from "../components/area-shell.tsx";
import { OfferDock } from "../components/offer-dock.tsx";
import { navigate } from "../lib/router.ts";
import { AgentsAdmin } from "./agents-admin.tsx";
import { ApiKeysAdmin } from "./api-keys-admin.tsx";
import { AutomationAdmin } from "./automation-admin.tsx";
import { CalendarsAdmin } from "./calendars-admin.tsx";
import { CannedAdmin } from "./canned-admin.tsx";
import { ChannelsAdmin } from "./channels-admin.tsx";
import { CustomFieldsAdmin } from "./custom-fields-admin.tsx";
import { DispositionsAdmin } from "./dispositions-admin.tsx";
import { JobsAdmin } from "./jobs-admin.tsx";
import { QueuesAdmin } from "./queues-admin.tsx";
import { RulesAdmin } from "./rules-admin.tsx";
import { SecurityAdmin } from "./security-admin.tsx";
import { SecurityLogAdmin } from "./security-log-admin.tsx";
import { SkillsAdmin } from "./skills-admin.tsx";
import { SlaAdmin } from "./sla-admin.tsx";
import { UpdatesAdmin } from "./updates-admin.tsx";
import { WebhooksAdmin } from "./webhooks-admin.tsx";
import { WhatsAppTemplatesAdmin } from "./whatsapp-templates-admin.tsx";
import { WidgetAdmin } from "./widget-admin.tsx";

const SECTIONS: { id: string; label: string; description: string; Page: ComponentType }[] = [
  { id: "agents", label: "Agents", description: "Roles, capacity, skills", Page: AgentsAdmin },
  { id: "skills", label: "Skills", description: "What routing matches", Page: SkillsAdmin },
  { id: "queues", label: "Queues", description: "Skills, policy, overflow", Page: QueuesAdmin },
  {
    id: "calendars",
    label: "Business calendars",
    description: "Opening hours, holidays",
    Page: CalendarsAdmin,
  },
  { id: "rules", label: "Assignment rules", description: "Where new cases go", Page: RulesAdmin },
  { id: "sla", label: "SLA policies", description: "Targets, calendars, escalation", Page: SlaAdmin },
  { id: "automation", label: "Automation", description: "Rules on events and time", Page: AutomationAdmin },
  { id: "channels", label: "Channels", description: "Mailboxes, phone numbers", Page: ChannelsAdmin },
  { id: "canned", label: "Canned responses", description: "Saved replies by short code", Page: CannedAdmin },
  {
    id: "whatsapp-templates",
    label: "WhatsApp templates",
    description: "Outside the 24-hour window",
    Page: WhatsAppTemplatesAdmin,
  },
  {
    id: "dispositions",
    label: "Dispositions",
    description: "Why customers got in touch",
    Page: DispositionsAdmin,
  },
  {
    id: "fields",
    label: "Custom fields",
    description: "Typed fields on cases, contacts",
    Page: CustomFieldsAdmin,
  },
  { id: "updates", label: "Customer updates", description: "What customers are sent", Page: UpdatesAdmin },
  {
    id: "widget",
    label: "Widget & branding",
    description: "Chat widget, status page look",
    Page: WidgetAdmin,
  },
  { id: "jobs", label: "Jobs", description: "Queues, backlog, failures", Page: JobsAdmin },
  {
    id: "security",
    label: "Security",
    description: "Two-factor sign-in, single sign-on",
    Page: SecurityAdmin,
  },
  {
    id: "security-log",
    label: "Security log",
    description: "Sign-ins, failures, account changes",
    Page: SecurityLogAdmin,
  },
  { id: "webhooks", label: "Webhooks", description: "Events sent to your systems", Page: WebhooksAdmin },
  { id: "api-keys", label: "API keys", description: "Keys for integrations", Page: ApiKeysAdmin },
];

export default function AdminPage({ section }: { section: string }) {
  const current = SECTIONS.find((item) => item.id === section) ?? SECTIONS[0]!;
  const role = useAreaRole(`${current.label} · Admin · Switchboard`);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <AppHeader />
      </AppShell.Header>
      <AppShell.Navbar aria-label="Admin sections" p="xs">
        <ScrollArea>
          {SECTIONS.map((item) => (
            <NavLink
              key={item.id}
              href={`/admin/${item.id}`}
              label={item.label}
              description={item.description}
              active={item.id === current.id}
              aria-current={item.id === current.id ? "page" : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate({ name: "admin", section: item.id });
              }}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {role === "admin" ? (
          <current.Page />
        ) : role ? (
          <Text c="dimmed" ta="center" py="xl" role="alert">
            The admin pages are for admins.
          </Text>
        ) : null}
      </AppShell.Main>
      <OfferDock />
    </AppShell>
  );
}
