/**
 * Admin → Agents: invite people (they choose their own password by a one-time link); change role,
 * capacity per channel, skills and levels, the queues they may see, active; resend a pending
 * invitation.
 */
import {
  Badge,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Skeleton,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { CHANNEL_LABEL } from "../lib/format.ts";
import {
  announceInvitation,
  InvitationLinkModal,
  type Invited,
  PendingInvitation,
} from "./agent-invitations.tsx";
import { type Editor, FormShell, useForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { NameInput, SkillLevelsEditor } from "./editors.tsx";
import { send } from "./http.ts";
import { resources, useAdminMutation, useAgentSkills, useSkills } from "./queries.ts";
import { QueueScopeCell, QueueScopeField, type ScopeForm, sameScope, scopeOf } from "./queue-scope-field.tsx";
import {
  type AdminAgent,
  CAPACITY_CHANNELS,
  type Capacity,
  ROLES,
  type Role,
  type SkillRequirement,
} from "./types.ts";

const DEFAULT_CAPACITY: Capacity = { voice: 1, chat: 3, sms: 5, email: 5 };
const ROLE_OPTIONS = ROLES.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) }));
/** Agent writes touch the agent list and each agent's skills: re-read everything under "admin". */
const ALL_ADMIN = [["admin"]] as const;

function CapacityInputs({ value, onChange }: { value: Capacity; onChange: (next: Capacity) => void }) {
  return (
    <SimpleGrid cols={4} spacing="xs" role="group" aria-label="Capacity per channel">
      {CAPACITY_CHANNELS.map((channel) => (
        <NumberInput
          key={channel}
          label={`${CHANNEL_LABEL[channel]} capacity`}
          min={0}
          max={channel === "voice" ? 1 : 50}
          clampBehavior="strict"
          value={value[channel]}
          onChange={(next) => onChange({ ...value, [channel]: Number(next) || 0 })}
        />
      ))}
    </SimpleGrid>
  );
}

function AgentSkillsCell({ agentId }: { agentId: string }) {
  const skills = useAgentSkills(agentId).data;
  if (!skills) return <Skeleton h={16} w={80} />;
  if (!skills.length)
    return (
      <Text fz="xs" c="dimmed">
        none
      </Text>
    );
  return (
    <Group gap={4}>
      {skills.map((skill) => (
        <Badge key={skill.skillId} size="sm" variant="light">
          {skill.name} {skill.level}
        </Badge>
      ))}
    </Group>
  );
}

interface AgentForm {
  name: string;
  role: Role;
  capacity: Capacity;
  levels: SkillRequirement[];
  email: string;
  active: boolean;
  scope: ScopeForm;
}

function toForm(agent: AdminAgent | null): AgentForm {
  return {
    name: agent?.name ?? "",
    role: agent?.role ?? "agent",
    capacity: agent?.capacity ?? DEFAULT_CAPACITY,
    levels: [],
    email: "",
    active: agent?.active ?? true,
    scope: scopeOf(agent),
  };
}

/** The fields creating and editing share: role, capacity per channel and skills. */
function ProfileFields({
  form,
  set,
}: {
  form: AgentForm;
  set: <K extends keyof AgentForm>(key: K, value: AgentForm[K]) => void;
}) {
  const skills = useSkills().data ?? [];
  return (
    <>
      <Select
        label="Role"
        data={ROLE_OPTIONS}
        value={form.role}
        allowDeselect={false}
        onChange={(value) => value && set("role", value as Role)}
      />
      <CapacityInputs value={form.capacity} onChange={(value) => set("capacity", value)} />
      <SkillLevelsEditor
        label="Skills"
        skills={skills}
        value={form.levels}
        onChange={(value) => set("levels", value)}
      />
      <QueueScopeField role={form.role} value={form.scope} onChange={(value) => set("scope", value)} />
    </>
  );
}

async function inviteAgent(form: AgentForm): Promise<Invited> {
  const { name, email, role, capacity, levels } = form;
  const invited = await send<Invited>("POST", "/api/agents/invitations", { name, email, role });
  const { id } = invited.agent;
  if (CAPACITY_CHANNELS.some((channel) => capacity[channel] !== DEFAULT_CAPACITY[channel]))
    await send("PATCH", `/api/agents/${id}`, { capacity });
  if (levels.length) await send("PUT", `/api/agents/${id}/skills`, { items: levels });
  if (form.scope.limited && role !== "admin") await send("PUT", `/api/agents/${id}/queue-scope`, form.scope);
  return invited;
}

/** Inviting: the person gets a link to choose their own password; nobody else ever knows it. */
function InviteAgentModal({ editor }: { editor: { opened: boolean; close: () => void } }) {
  const invite = useAdminMutation(inviteAgent, ALL_ADMIN);
  const { form, set, text } = useForm(editor.opened, null, toForm, invite.reset);
  const [shown, setShown] = useState<Invited | null>(null);

  return (
    <>
      <FormShell
        editor={editor}
        title="Invite agent"
        mutation={invite}
        submitLabel="Send invitation"
        onSubmit={() =>
          invite.mutate(form, {
            onSuccess: (result) => {
              setShown(announceInvitation(result));
              editor.close();
            },
          })
        }
      >
        <Text fz="sm" c="dimmed">
          They get a link to choose their own password (valid for 7 days), mailed when a mailbox can send
          mail, otherwise shown to you once to hand over.
        </Text>
        <NameInput value={form.name} onChange={(value) => set("name", value)} />
        <TextInput label="Email" type="email" required {...text("email")} />
        <ProfileFields form={form} set={set} />
      </FormShell>
      <InvitationLinkModal shown={shown} onClose={() => setShown(null)} />
    </>
  );
}

async function saveAgent({ target, form }: { target: AdminAgent; form: AgentForm }) {
  const { name, role, capacity, active, levels } = form;
  await send("PATCH", `/api/agents/${target.id}`, {
    name,
    ...(role !== target.role ? { role } : {}),
    capacity,
    ...(active !== target.active ? { active } : {}),
  });
  await send("PUT", `/api/agents/${target.id}/skills`, { items: levels });
  if (role !== "admin" && !sameScope(form.scope, scopeOf(target)))
    await send("PUT", `/api/agents/${target.id}/queue-scope`, form.scope);
}

function EditAgentDrawer({ editor }: { editor: Editor<AdminAgent> }) {
  const agent = editor.item;
  const save = useAdminMutation(saveAgent, ALL_ADMIN);
  const { form, set, checked } = useForm(editor.opened, agent, toForm, save.reset);
  const current = useAgentSkills(agent?.id ?? "").data;
  // Runs after the form is filled on opening, so the agent's current levels replace the empty list.
  useEffect(() => {
    if (editor.opened && current)
      set(
        "levels",
        current.map(({ skillId, level }) => ({ skillId, level })),
      );
  }, [editor.opened, current, set]);

  return (
    <FormShell
      drawer
      editor={editor}
      title={agent ? `Edit ${agent.name}` : ""}
      mutation={save}
      submitLabel="Save"
      onSubmit={() => {
        if (!agent) return;
        save.mutate(
          { target: agent, form },
          {
            onSuccess: () => {
              notifications.show({ color: "green", title: "Agent saved", message: form.name });
              editor.close();
            },
          },
        );
      }}
    >
      <Text fz="sm" c="dimmed">
        {agent?.email}
      </Text>
      {agent?.invitationPending ? <PendingInvitation agent={agent} /> : null}
      <NameInput value={form.name} onChange={(value) => set("name", value)} />
      <ProfileFields form={form} set={set} />
      <Switch
        label="Active (can sign in)"
        description="Deactivating signs the agent out and returns their chats and calls to the queue"
        {...checked("active")}
      />
    </FormShell>
  );
}

/** A new agent is created in a modal; an existing one is edited in a drawer. */
function AgentForms({ editor }: { editor: Editor<AdminAgent> }) {
  return (
    <>
      <InviteAgentModal editor={{ opened: editor.opened && !editor.item, close: editor.close }} />
      <EditAgentDrawer editor={{ ...editor, opened: editor.opened && editor.item !== null }} />
    </>
  );
}

export function AgentsAdmin() {
  return (
    <CrudSection
      title="Agents"
      description="Accounts, roles, how many cases each may hold per channel, and the skills routing matches."
      newLabel="Invite agent"
      resource={resources.agents}
      skeleton={160}
      minWidth={900}
      rowTestId="admin-agent-row"
      rowProps={(agent) => ({ "data-email": agent.email })}
      columns={[
        {
          header: "Name",
          rowHeader: true,
          cell: (agent) => <TitleCell title={agent.name} detail={agent.email} />,
        },
        { header: "Role", cell: (agent) => agent.role },
        {
          header: "Capacity (chat/email/SMS/voice)",
          cell: ({ capacity }) =>
            `${capacity.chat} / ${capacity.email} / ${capacity.sms} / ${capacity.voice}`,
        },
        { header: "Skills", cell: (agent) => <AgentSkillsCell agentId={agent.id} /> },
        { header: "Queues they see", cell: (agent) => <QueueScopeCell agent={agent} /> },
        {
          header: "Status",
          cell: (agent) => (
            <Group gap={4}>
              <Badge color={agent.active ? "green" : "gray"} variant="light">
                {agent.active ? "Active" : "Deactivated"}
              </Badge>
              {agent.invitationPending ? (
                <Badge color="yellow" variant="light">
                  Invitation pending
                </Badge>
              ) : null}
            </Group>
          ),
        },
      ]}
      form={AgentForms}
    />
  );
}
