/**
 * Whether an SLA policy can ever apply. Policies are tried in order and the first that matches wins,
 * so a policy whose every case an earlier enabled policy also matches never applies: "VIP chats"
 * below "All chats". Said to the admin when they save, instead of failing silently. Pure.
 */
import type { SlaConditions } from "../db/schema/sla.ts";

interface Ordered {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  conditions: SlaConditions;
}

/** A list condition of `earlier` admits every value `later` admits (empty means any). */
function listCovers<T>(earlier: readonly T[] | undefined, later: readonly T[] | undefined): boolean {
  if (!earlier?.length) return true;
  if (!later?.length) return false;
  return later.every((value) => earlier.includes(value));
}

/** Each `key = value` `earlier` asks for, `later` asks for too. */
const pairsCover = (
  earlier: Record<string, unknown> | undefined,
  later: Record<string, unknown> | undefined,
) => Object.entries(earlier ?? {}).every(([key, value]) => later?.[key] === value);

/** Every case `later`'s conditions match, `earlier`'s match too. */
export function conditionsCover(earlier: SlaConditions, later: SlaConditions): boolean {
  return (
    listCovers(earlier.priorities, later.priorities) &&
    listCovers(earlier.channels, later.channels) &&
    listCovers(earlier.queueIds, later.queueIds) &&
    // A case with all of `later`'s tags has all of `earlier`'s only if `later` asks for them too.
    (earlier.tags ?? []).every((tag) => (later.tags ?? []).includes(tag)) &&
    pairsCover(earlier.contactAttributes, later.contactAttributes) &&
    pairsCover(earlier.customFields, later.customFields) &&
    pairsCover(earlier.contactFields, later.contactFields)
  );
}

/** A policy without conditions: it matches every case. */
export const isCatchAll = (conditions: SlaConditions): boolean => conditionsCover(conditions, {});

/** The earlier enabled policy that takes every case `policy` would, if any. */
export function shadowedBy<P extends Ordered>(policies: readonly P[], policy: P): P | null {
  if (!policy.enabled) return null;
  return (
    [...policies]
      .filter((other) => other.id !== policy.id && other.enabled && other.position < policy.position)
      .sort((a, b) => a.position - b.position)
      .find((other) => conditionsCover(other.conditions, policy.conditions)) ?? null
  );
}

/** Each policy with why it can never apply (null when it can). */
export function withReach<P extends Ordered>(
  policies: readonly P[],
): (P & { neverApplies: string | null })[] {
  return policies.map((policy) => {
    const earlier = shadowedBy(policies, policy);
    return {
      ...policy,
      neverApplies: earlier
        ? `Never applies: '${earlier.name}' comes first and matches every case this policy does. Move this policy above it, or narrow '${earlier.name}'.`
        : null,
    };
  });
}

/**
 * Where a new policy goes: a specific one just above the first catch-all (so it can apply), a
 * catch-all at the end.
 */
export function newPolicyPosition(policies: readonly Ordered[], conditions: SlaConditions): number {
  const last = Math.max(0, ...policies.map((policy) => policy.position));
  if (isCatchAll(conditions)) return last + 1;
  const catchAll = [...policies]
    .sort((a, b) => a.position - b.position)
    .find((policy) => isCatchAll(policy.conditions));
  return catchAll ? catchAll.position : last + 1;
}
