/**
 * A supervisor offers one waiting case to one named agent (an SLA remedy), with the same checks a
 * routing pass makes: the case still waits, the agent is available and has room.
 */
import { eq } from "drizzle-orm";
import { caseStateHas } from "../cases/case-states.ts";
import { AppError } from "../cases/errors.ts";
import { type UnitOfWork, withUnitOfWork } from "../cases/unit-of-work.ts";
import type { Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import { offers } from "../db/schema/routing.ts";
import type { RoutingDeps } from "./ports.ts";
import { type ClaimRefusal, claimOfferIn, offerTimeoutMs } from "./route-queue.ts";

const CLAIM_REFUSALS: Record<ClaimRefusal, (name: string, channel: string) => string> = {
  stale: () => "The case is no longer waiting for an agent.",
  case_busy: () => "The case is being changed right now; try again.",
  agent_busy: (name) => `${name} is being offered other work right now; try again.`,
  agent_unavailable: (name) => `${name} is not available.`,
  agent_full: (name, channel) => `${name} has no room for another ${channel} case.`,
};

export function offerCaseTo(deps: RoutingDeps, input: { caseId: string; agentId: string }) {
  return withUnitOfWork(deps, (tx, uow) => offerCaseToIn(tx, uow, deps, input));
}

/** `offerCaseTo` as part of a caller's transaction; the offer's push waits in `uow` for the commit. */
export async function offerCaseToIn(
  tx: Tx,
  uow: UnitOfWork,
  deps: RoutingDeps,
  input: { caseId: string; agentId: string },
) {
  const [row] = await tx.select().from(cases).where(eq(cases.id, input.caseId));
  if (!row) throw new AppError("NOT_FOUND", `Case '${input.caseId}' does not exist.`);
  if (!caseStateHas(row.state, "routable"))
    throw new AppError("CONFLICT", "The case is no longer waiting for an agent.");
  const [agent] = await tx
    .select({ name: agents.name, deactivatedAt: agents.deactivatedAt })
    .from(agents)
    .where(eq(agents.id, input.agentId));
  if (!agent || agent.deactivatedAt)
    throw new AppError("NOT_FOUND", `Agent '${input.agentId}' does not exist.`);
  const queue = (await deps.config.get(tx)).queues.get(row.queueId ?? "");
  const claim = await claimOfferIn(tx, uow, deps, {
    row,
    agentId: input.agentId,
    timeoutMs: offerTimeoutMs(deps, queue, row.channel),
    now: deps.clock(),
  });
  if (claim.status !== "ok")
    throw new AppError("CONFLICT", CLAIM_REFUSALS[claim.status](agent.name, row.channel));
  const [offer] = await tx.select().from(offers).where(eq(offers.id, claim.offerId));
  return offer!;
}
