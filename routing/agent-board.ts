/**
 * The supervisor's agent grid: every active agent with their state, since when, their load against
 * their capacity per channel, and the cases they hold now. Load is counted as routing counts it
 * (agent-snapshot.ts), so the grid shows the same "full" the router sees.
 */
import { and, asc, inArray, isNull } from "drizzle-orm";
import { stateIn } from "../cases/case-states.ts";
import type { Executor } from "../db/connect.ts";
import { type AgentRole, agents, type ChannelCapacity, type Presence } from "../db/schema/agents.ts";
import { type CaseState, type Channel, cases, type Priority } from "../db/schema/cases.ts";
import { agentSnapshots } from "./agent-snapshot.ts";
import { hasRoom } from "./matcher-rules.ts";

export const AGENT_BOARD_STATES = ["available", "busy", "wrap_up", "away", "offline"] as const;
export type AgentBoardState = (typeof AGENT_BOARD_STATES)[number];

export interface AgentBoardCase {
  id: string;
  number: number;
  subject: string;
  channel: Channel;
  queueId: string | null;
  state: CaseState;
  priority: Priority;
}

export interface AgentBoardRow {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  presence: Presence;
  presenceReason: string | null;
  presenceChangedAt: Date;
  /** available: may take more; busy: available but full on every channel; wrap_up: after a chat or call. */
  state: AgentBoardState;
  capacity: ChannelCapacity;
  load: ChannelCapacity;
  cases: AgentBoardCase[];
}

const CHANNELS = ["chat", "email", "sms", "voice"] as const;

export async function agentBoard(executor: Executor, now: Date): Promise<AgentBoardRow[]> {
  const people = await executor
    .select({
      id: agents.id,
      name: agents.name,
      email: agents.email,
      role: agents.role,
      presence: agents.presence,
      presenceReason: agents.presenceReason,
      presenceChangedAt: agents.presenceChangedAt,
      wrapUpUntil: agents.wrapUpUntil,
    })
    .from(agents)
    .where(isNull(agents.deactivatedAt))
    .orderBy(asc(agents.name));
  if (!people.length) return [];
  const snapshots = new Map((await agentSnapshots(executor, now)).map((snapshot) => [snapshot.id, snapshot]));
  const held = await executor
    .select({
      id: cases.id,
      number: cases.number,
      subject: cases.subject,
      channel: cases.channel,
      queueId: cases.queueId,
      state: cases.state,
      priority: cases.priority,
      assigneeId: cases.assigneeId,
    })
    .from(cases)
    .where(
      and(
        inArray(
          cases.assigneeId,
          people.map((person) => person.id),
        ),
        stateIn(cases.state, "occupiesAgent"),
      ),
    )
    .orderBy(asc(cases.number));
  const casesOf = new Map<string, AgentBoardCase[]>();
  for (const { assigneeId, ...row } of held) {
    if (!assigneeId) continue;
    casesOf.set(assigneeId, [...(casesOf.get(assigneeId) ?? []), row]);
  }

  return people.map((person) => {
    const snapshot = snapshots.get(person.id);
    const load = snapshot?.load ?? { chat: 0, email: 0, sms: 0, voice: 0 };
    const capacity = snapshot?.capacity ?? { chat: 0, email: 0, sms: 0, voice: 0 };
    let state: AgentBoardState = person.presence;
    if (person.presence === "available") {
      if (person.wrapUpUntil && person.wrapUpUntil.getTime() > now.getTime()) state = "wrap_up";
      else if (snapshot && !CHANNELS.some((channel) => hasRoom(snapshot, channel))) state = "busy";
    }
    return {
      id: person.id,
      name: person.name,
      email: person.email,
      role: person.role,
      presence: person.presence,
      presenceReason: person.presenceReason,
      presenceChangedAt: person.presenceChangedAt,
      state,
      capacity,
      load,
      cases: casesOf.get(person.id) ?? [],
    };
  });
}
