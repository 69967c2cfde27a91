/**
 * The case lifecycle as an XState v5 machine. It is pure: `decideCaseEvent` takes a persisted
 * snapshot and an event and returns the next snapshot plus the names of the effects to run. The
 * workflow applies it inside the transaction that locks the case row and runs the effects after
 * commit. Timers are not `after` transitions (XState does not restore them from a snapshot): the
 * effects schedule durable jobs that send an event back.
 */
import { assign, initialTransition, setup, transition } from "xstate";
import { CASE_STATES, type CaseState } from "../db/schema/cases.ts";
import { AppError } from "./errors.ts";

/**
 * What the rest of the system asks about a case's state, as tags on the machine's states. Code
 * outside the machine asks `caseStateHas(state, "open")` (cases/case-states.ts) or the machine's
 * `can(event)`, never compares state names, so states can be split or renamed here alone.
 */
export const CASE_TAGS = [
  /** Work still to do: every state before resolved. */
  "open",
  /** Just created, never queued yet. */
  "intake",
  /** No agent has it yet (new, waiting in a queue, or offered). */
  "awaitingAgent",
  /** In a queue: waiting, or offered to an agent (an offer may come back). */
  "inQueue",
  /** Waiting in its queue for routing to offer it. */
  "routable",
  /** An offer to an agent is pending. */
  "offerPending",
  /** Held by its assignee, counting against the agent's capacity. */
  "occupiesAgent",
  /** Held by its assignee and being worked (not waiting on the customer). */
  "agentWorking",
  /** Held by its assignee, waiting for the customer's answer; SLA clocks pause. */
  "awaitingCustomer",
  /** Work finished: resolved or closed. */
  "done",
  /** Resolved: may still reopen, closes after a delay. */
  "resolved",
  /** Closed for good: the machine accepts nothing more. */
  "final",
] as const;
export type CaseTag = (typeof CASE_TAGS)[number];

export interface CasePolicy {
  /** A customer message within this time after resolution reopens the case; later it opens a new one. */
  reopenWindowMs: number;
  /** A resolved case closes after this delay. */
  autoCloseAfterMs: number;
}

export const DEFAULT_CASE_POLICY: CasePolicy = {
  reopenWindowMs: 7 * 24 * 3600_000,
  autoCloseAfterMs: 4 * 24 * 3600_000,
};

export interface CaseContext {
  assigneeId: string | null;
  /** Epoch ms of the last resolution, null while open. */
  resolvedAt: number | null;
}

/** Every event carries its time, so guards are pure and replayable. */
export type CaseEvent =
  | { type: "ENQUEUE"; at: number }
  | { type: "OFFER"; agentId: string; at: number }
  | { type: "OFFER_RETURNED"; at: number }
  | { type: "ASSIGN"; agentId: string; at: number }
  | { type: "UNASSIGN"; at: number }
  | { type: "CUSTOMER_MESSAGE"; at: number }
  | { type: "AGENT_REPLIED"; agentId: string; at: number }
  | { type: "WAIT_ON_CUSTOMER"; at: number }
  | { type: "RESOLVE"; at: number }
  | { type: "REOPEN"; at: number }
  | { type: "CLOSE"; at: number }
  | { type: "AUTO_CLOSE"; at: number }
  /** Details changed (priority, tags, subject, queue) without a change of state. */
  | { type: "UPDATE"; at: number };

export type CaseEventType = CaseEvent["type"];

/** Effects the workflow carries out. Names are the contract between the machine and the workflow. */
export type CaseEffect =
  | { type: "requestRouting" }
  | { type: "cancelPendingOffers" }
  | { type: "releaseCapacity" }
  | { type: "scheduleAutoClose"; at: number };

const effect = () => {};
/** Marks an event as accepted without changing state; `can()` is false for a transition with neither target nor action. */
const ACCEPT = { actions: "acknowledge" } as const;

/** The machine's vocabulary: its types, the effect and assignment actions, and the policy's guards. */
function caseMachineSetup(policy: CasePolicy) {
  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseEvent,
      tags: {} as CaseTag,
    },
    actions: {
      acknowledge: effect,
      requestRouting: effect,
      cancelPendingOffers: effect,
      releaseCapacity: effect,
      scheduleAutoClose: (_: unknown, _params: { at: number }) => {},
      setAssignee: assign({
        assigneeId: ({ event }) => ("agentId" in event ? event.agentId : null),
      }),
      clearAssignee: assign({ assigneeId: null }),
      markResolved: assign({ resolvedAt: ({ event }) => event.at }),
      clearResolved: assign({ resolvedAt: null }),
    },
    guards: {
      hasAssignee: ({ context }) => context.assigneeId !== null,
      withinReopenWindow: ({ context, event }) =>
        context.resolvedAt !== null && event.at - context.resolvedAt <= policy.reopenWindowMs,
      reopenToAssignee: ({ context, event }) =>
        context.assigneeId !== null &&
        context.resolvedAt !== null &&
        event.at - context.resolvedAt <= policy.reopenWindowMs,
      autoCloseDue: ({ context, event }) =>
        context.resolvedAt !== null && event.at - context.resolvedAt >= policy.autoCloseAfterMs,
      isOtherAgent: ({ context, event }) => "agentId" in event && event.agentId !== context.assigneeId,
    },
  });
}

const tags = (...names: CaseTag[]): CaseTag[] => names;

/** Before an agent holds the case: new, waiting in its queue, offered to an agent. */
const AWAITING_AGENT_STATES = {
  new: {
    tags: tags("open", "intake", "awaitingAgent"),
    on: {
      UPDATE: ACCEPT,
      ENQUEUE: "queued",
      ASSIGN: { target: "assigned", actions: "setAssignee" },
      RESOLVE: "resolved",
      CLOSE: "closed",
    },
  },
  queued: {
    tags: tags("open", "awaitingAgent", "inQueue", "routable"),
    entry: "requestRouting",
    on: {
      UPDATE: ACCEPT,
      OFFER: "offered",
      ASSIGN: { target: "assigned", actions: "setAssignee" },
      CUSTOMER_MESSAGE: ACCEPT,
      RESOLVE: "resolved",
      CLOSE: "closed",
    },
  },
  offered: {
    tags: tags("open", "awaitingAgent", "inQueue", "offerPending"),
    // Leaving `offered` by any path other than acceptance withdraws the pending offer.
    exit: "cancelPendingOffers",
    on: {
      UPDATE: ACCEPT,
      OFFER_RETURNED: "queued",
      ASSIGN: { target: "assigned", actions: "setAssignee" },
      CUSTOMER_MESSAGE: ACCEPT,
      RESOLVE: "resolved",
      CLOSE: "closed",
    },
  },
} as const;

/** Held by an agent: being worked, or waiting on the customer's answer. */
const HELD_STATES = {
  assigned: {
    tags: tags("open", "occupiesAgent", "agentWorking"),
    on: {
      UPDATE: ACCEPT,
      ASSIGN: { guard: "isOtherAgent", target: "assigned", actions: ["releaseCapacity", "setAssignee"] },
      UNASSIGN: { target: "queued", actions: ["releaseCapacity", "clearAssignee"] },
      CUSTOMER_MESSAGE: ACCEPT,
      AGENT_REPLIED: ACCEPT,
      WAIT_ON_CUSTOMER: "waiting_on_customer",
      RESOLVE: { target: "resolved", actions: "releaseCapacity" },
      CLOSE: { target: "closed", actions: "releaseCapacity" },
    },
  },
  waiting_on_customer: {
    tags: tags("open", "occupiesAgent", "awaitingCustomer"),
    on: {
      UPDATE: ACCEPT,
      ASSIGN: {
        guard: "isOtherAgent",
        target: "waiting_on_customer",
        actions: ["releaseCapacity", "setAssignee"],
      },
      UNASSIGN: { target: "queued", actions: ["releaseCapacity", "clearAssignee"] },
      CUSTOMER_MESSAGE: "assigned",
      AGENT_REPLIED: ACCEPT,
      RESOLVE: { target: "resolved", actions: "releaseCapacity" },
      CLOSE: { target: "closed", actions: "releaseCapacity" },
    },
  },
} as const;

export function createCaseMachine(policy: CasePolicy = DEFAULT_CASE_POLICY) {
  return caseMachineSetup(policy).createMachine({
    id: "case",
    context: { assigneeId: null, resolvedAt: null },
    initial: "new",
    states: {
      ...AWAITING_AGENT_STATES,
      ...HELD_STATES,
      resolved: {
        tags: ["done", "resolved"],
        entry: [
          "markResolved",
          {
            type: "scheduleAutoClose",
            params: ({ context }) => ({ at: (context.resolvedAt ?? 0) + policy.autoCloseAfterMs }),
          },
        ],
        exit: "clearResolved",
        on: {
          UPDATE: ACCEPT,
          CUSTOMER_MESSAGE: [
            { guard: "reopenToAssignee", target: "assigned" },
            { guard: "withinReopenWindow", target: "queued", actions: "clearAssignee" },
          ],
          REOPEN: [{ guard: "hasAssignee", target: "assigned" }, { target: "queued" }],
          AGENT_REPLIED: ACCEPT,
          CLOSE: "closed",
          AUTO_CLOSE: { guard: "autoCloseDue", target: "closed" },
        },
      },
      closed: { type: "final", tags: ["done", "final"] },
    },
  });
}

export type CaseMachine = ReturnType<typeof createCaseMachine>;

/** What is stored in `cases.machine_snapshot`. */
export interface PersistedCaseSnapshot {
  value: CaseState;
  context: CaseContext;
}

export interface CaseDecision {
  /** False when the machine does not accept the event in this state (nothing changes). */
  accepted: boolean;
  snapshot: PersistedCaseSnapshot;
  effects: CaseEffect[];
}

const EFFECT_TYPES = new Set<string>([
  "requestRouting",
  "cancelPendingOffers",
  "releaseCapacity",
  "scheduleAutoClose",
]);

function toEffects(actions: readonly { type: string; params: unknown }[]): CaseEffect[] {
  return actions
    .filter((action) => EFFECT_TYPES.has(action.type))
    .map((action) => ({ type: action.type, ...(action.params as object | undefined) }) as CaseEffect);
}

const initialSnapshots = new WeakMap<CaseMachine, PersistedCaseSnapshot>();

/** Where every case starts; the same for every case of a machine, so worked out once. */
export function initialCaseSnapshot(machine: CaseMachine): PersistedCaseSnapshot {
  let initial = initialSnapshots.get(machine);
  if (!initial) {
    const [snapshot] = initialTransition(machine);
    initial = { value: snapshot.value as CaseState, context: snapshot.context };
    initialSnapshots.set(machine, initial);
  }
  return { value: initial.value, context: { ...initial.context } };
}

/**
 * One step of a stored snapshot's upgrade, from the version before to the next. Pure: it sees only
 * the stored JSON and returns the next version's shape.
 */
export type CaseSnapshotUpgrade = (stored: Record<string, unknown>) => Record<string, unknown>;

/**
 * The upgrades, oldest first: `CASE_SNAPSHOT_UPGRADES[i]` turns a snapshot of version i + 1 into
 * one of version i + 2. A change of what is persisted (a state renamed or split, context added or
 * renamed) appends one here, and `CASE_MACHINE_VERSION` follows. Never edit or drop one: a case is
 * written in the current version only when an event next changes it, so rows of every earlier
 * version may still be stored. (Tags are not persisted: adding or moving one needs no upgrade.)
 * If an upgrade changes `value` or the context's `assigneeId`/`resolvedAt`, the `cases_state_is_snapshot`
 * CHECK (db/migrations) must be replaced in the same change to accept both shapes.
 */
export const CASE_SNAPSHOT_UPGRADES: readonly CaseSnapshotUpgrade[] = [];

/** The version written with every snapshot; `restoreCaseSnapshot` upgrades older ones. */
export const CASE_MACHINE_VERSION = 1 + CASE_SNAPSHOT_UPGRADES.length;

const KNOWN_STATES = new Set<string>(CASE_STATES);

function isPersistedSnapshot(
  value: Record<string, unknown>,
): value is PersistedCaseSnapshot & Record<string, unknown> {
  const context = value.context as Record<string, unknown> | null | undefined;
  return (
    typeof value.value === "string" &&
    KNOWN_STATES.has(value.value) &&
    typeof context === "object" &&
    context !== null &&
    (context.assigneeId === null || typeof context.assigneeId === "string") &&
    (context.resolvedAt === null || typeof context.resolvedAt === "number")
  );
}

/**
 * Reads a stored snapshot of any known version as the current machine's: older versions go through
 * `upgrades` one step at a time; the current version comes back as stored. A version this code does
 * not know yet (written by a newer release during a rolling upgrade) is a TEMPORARY error, which a
 * newer process or a later retry can get past; a version below 1 or a snapshot that is not the
 * machine's shape is a CONFLICT.
 */
export function restoreCaseSnapshot(
  stored: unknown,
  version: number,
  upgrades: readonly CaseSnapshotUpgrade[] = CASE_SNAPSHOT_UPGRADES,
): PersistedCaseSnapshot {
  const current = 1 + upgrades.length;
  if (Number.isInteger(version) && version > current) {
    throw new AppError(
      "TEMPORARY",
      `This case was written by a newer release (case machine version ${version}; this one reads up to ${current}).`,
      { version, supported: current },
    );
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new AppError("CONFLICT", `Unknown case machine version ${String(version)}.`, { version });
  }
  let snapshot = stored as Record<string, unknown>;
  for (let from = version; from < current; from++) snapshot = upgrades[from - 1]!(snapshot);
  if (typeof snapshot !== "object" || snapshot === null || !isPersistedSnapshot(snapshot)) {
    throw new AppError(
      "CONFLICT",
      `A stored case snapshot of version ${version} is not a state of the case machine version ${current}.`,
      { version },
    );
  }
  return snapshot;
}

/** The `cases` columns a snapshot decides: written from it, and only from it (case-workflow.ts). */
export function caseColumnsOf(snapshot: PersistedCaseSnapshot): {
  state: CaseState;
  assigneeId: string | null;
  resolvedAt: Date | null;
} {
  return {
    state: snapshot.value,
    assigneeId: snapshot.context.assigneeId,
    resolvedAt: snapshot.context.resolvedAt === null ? null : new Date(snapshot.context.resolvedAt),
  };
}

export function decideCaseEvent(
  machine: CaseMachine,
  persisted: PersistedCaseSnapshot,
  event: CaseEvent,
): CaseDecision {
  const current = machine.resolveState({ value: persisted.value, context: persisted.context });
  if (!current.can(event)) return { accepted: false, snapshot: persisted, effects: [] };
  const [next, actions] = transition(machine, current, event);
  return {
    accepted: true,
    snapshot: { value: next.value as CaseState, context: next.context },
    effects: toEffects(actions),
  };
}

export function canAccept(machine: CaseMachine, persisted: PersistedCaseSnapshot, event: CaseEvent): boolean {
  return machine.resolveState({ value: persisted.value, context: persisted.context }).can(event);
}
