/** Lists the admin pages read, and the mutation hooks that write and re-read what they touched. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Method, send } from "./http.ts";
import type {
  AdminAgent,
  AssignmentRule,
  BusinessCalendar,
  CannedResponse,
  Disposition,
  EscalationRule,
  Mailbox,
  PhoneNumber,
  Queue,
  Skill,
  SkillLevel,
  SlaPolicy,
  StatusTemplate,
} from "./types.ts";

/** Where one admin list of `T`s lives on the API, and the key it is cached under. */
export interface Resource<T = unknown> {
  path: string;
  /** Where the list is read, when not at `path` (e.g. with a filter). */
  listPath?: string;
  key: readonly string[];
  /** Other lists a write here changes too (e.g. which queues use a calendar), re-read after it. */
  alsoChanges?: readonly (readonly string[])[];
  /** Never set: carries the item type to the hooks and sections that take the resource. */
  item?: T;
}

const resource = <T>(path: string, ...key: string[]): Resource<T> => ({ path, key: ["admin", ...key] });

const calendars = resource<BusinessCalendar>("/api/calendars", "business-calendars");

export const resources = {
  agents: resource<AdminAgent>("/api/agents", "agents"),
  skills: resource<Skill>("/api/skills", "skills"),
  queues: { ...resource<Queue>("/api/queues", "queues"), alsoChanges: [calendars.key] },
  calendars,
  rules: resource<AssignmentRule>("/api/assignment-rules", "assignment-rules"),
  policies: { ...resource<SlaPolicy>("/api/sla/policies", "sla-policies"), alsoChanges: [calendars.key] },
  escalations: resource<EscalationRule>("/api/sla/escalation-rules", "escalation-rules"),
  mailboxes: resource<Mailbox>("/api/mailboxes", "mailboxes"),
  phoneNumbers: resource<PhoneNumber>("/api/phone-numbers", "phone-numbers"),
  canned: resource<CannedResponse>("/api/canned-responses", "canned-responses"),
  /** Retired codes included: the admin brings them back. */
  dispositions: {
    ...resource<Disposition>("/api/dispositions", "dispositions"),
    listPath: "/api/dispositions?all=true",
  },
  /** Read whole with useStatusTemplates: the list comes with the placeholders templates may use. */
  statusTemplates: resource<StatusTemplate>("/api/status-templates", "status-templates"),
};

const agentSkillsKey = (agentId: string) => ["admin", "agent-skills", agentId] as const;

const list =
  <T>(path: string) =>
  async () =>
    (await send<{ items: T[] }>("GET", path)).items;

export const useList = <T>({ path, listPath, key }: Resource<T>) =>
  useQuery({ queryKey: key, queryFn: list<T>(listPath ?? path) });

/** The customer update templates, and the placeholders (as `{{name}}`) they may use. */
export const useStatusTemplates = () =>
  useQuery({
    queryKey: resources.statusTemplates.key,
    queryFn: () =>
      send<{ items: StatusTemplate[]; placeholders: string[] }>("GET", resources.statusTemplates.path),
  });

export const useSkills = () => useList(resources.skills);
export const useQueues = () => useList(resources.queues);
export const useCalendars = () => useList(resources.calendars);
export const useAgentSkills = (agentId: string) =>
  useQuery({
    queryKey: agentSkillsKey(agentId),
    queryFn: list<SkillLevel>(`/api/agents/${agentId}/skills`),
    enabled: agentId !== "",
  });

/** The queues as select options, and a queue's name by id (`none` when there is no id). */
export function useQueueOptions() {
  const queues = useQueues().data ?? [];
  return {
    queues,
    data: queues.map((queue) => ({ value: queue.id, label: queue.name })),
    name: (id: string | null, none = "?") =>
      id ? (queues.find((queue) => queue.id === id)?.name ?? "?") : none,
  };
}

/** A mutation that re-reads the lists named once it has settled, whether it worked or not. */
export function useAdminMutation<Variables, Result>(
  mutationFn: (variables: Variables) => Promise<Result>,
  invalidate: readonly (readonly string[])[],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => {
      for (const queryKey of invalidate) void client.invalidateQueries({ queryKey });
    },
  });
}

export interface Write {
  method: Method;
  path: string;
  body?: unknown;
}

async function runWrites(writes: Write[]): Promise<unknown> {
  let last: unknown = null;
  for (const write of writes) last = await send(write.method, write.path, write.body);
  return last;
}

/** Runs one or more writes in order, then re-reads the lists named. */
export const useAdminWrite = (invalidate: readonly (readonly string[])[]) =>
  useAdminMutation(runWrites, invalidate);
