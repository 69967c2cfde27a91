/**
 * The case lifecycle as an XState v5 machine. It is pure: `decideCaseEvent` takes a persisted
 * snapshot and an event and returns the next snapshot plus the names of the effects to run. The
 * workflow applies it inside the transaction that locks the case row and runs the effects after
 * commit. Timers are not `after` transitions (XState does not restore them from a snapshot): the
 * effects schedule durable jobs that send an event back.
 */
import { assign, initialTransition, setup, transition } from "xstate";
import type { CaseState } from "../db/schema/cases.ts";

/** Bump when states or context change shape; `restoreCaseSnapshot` upgrades older versions. */
export const CASE_MACHINE_VERSION = 1;

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

export function createCaseMachine(policy: CasePolicy = DEFAULT_CASE_POLICY) {
  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseEvent,
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
  }).createMachine({
    id: "case",
    context: { assigneeId: null, resolvedAt: null },
    initial: "new",
    states: {
      new: {
        on: {
          UPDATE: ACCEPT,
          ENQUEUE: "queued",
          ASSIGN: { target: "assigned", actions: "setAssignee" },
          RESOLVE: "resolved",
          CLOSE: "closed",
        },
      },
      queued: {
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
      assigned: {
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
      resolved: {
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
      closed: { type: "final" },
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

/** Upgrades a stored snapshot to the current machine version. */
export function restoreCaseSnapshot(stored: unknown, version: number): PersistedCaseSnapshot {
  if (version !== CASE_MACHINE_VERSION) {
    throw new Error(`No upgrade from case machine version ${version} to ${CASE_MACHINE_VERSION}.`);
  }
  return stored as PersistedCaseSnapshot;
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
