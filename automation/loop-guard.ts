/**
 * The loop guard. Every change automation makes carries its origin: how deep in a chain of rules it
 * is, and the change that started the chain (its root). The events it causes run rules one level
 * deeper; at `MAX_AUTOMATION_DEPTH` rules stop running, and a rule never fires twice for one root,
 * so two rules undoing each other stop after one turn each. Either way an audit row says so.
 *
 * The origin travels with the event objects in this process (a weak map: the events the executor
 * publishes are the same objects the event listener hears), then in the event job's payload.
 */

/** Rules run at depths 0, 1 and 2; a change at depth 3 runs none. */
export const MAX_AUTOMATION_DEPTH = 3;

export interface EventOrigin {
  depth: number;
  /** The trigger key of the change a person, a channel or the clock made, which started the chain. */
  root: string;
}

export class EventDepths {
  private readonly origins = new WeakMap<object, EventOrigin>();

  /** Marks events published by automation. */
  mark(events: readonly object[], origin: EventOrigin): void {
    for (const event of events) this.origins.set(event, origin);
  }

  /** null for events nobody marked: a person's or a channel's change (depth 0, its own root). */
  originOf(event: object): EventOrigin | null {
    return this.origins.get(event) ?? null;
  }
}

/** Whether rules may still run for a change at `depth`. */
export function mayRunAt(depth: number): boolean {
  return depth < MAX_AUTOMATION_DEPTH;
}
