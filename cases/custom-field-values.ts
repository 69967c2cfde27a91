/**
 * Writing custom field values. A case's go through its machine as an UPDATE (so SLA policies that
 * look at fields re-target), are audited naming each field old → new, and pushed like other edits.
 * A case still waiting in its queue is placed again when its new values match an assignment rule
 * that looks at custom fields. Contacts have no machine: their values are written directly.
 */
import { eq } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { contacts } from "../db/schema/contacts.ts";
import type { CustomFieldEntity } from "../db/schema/integrations.ts";
import { canAccept } from "./case-machine.ts";
import { caseStateHas } from "./case-states.ts";
import {
  type Actor,
  applyCaseEvent,
  type CaseRow,
  lockCase,
  snapshotOf,
  writeAudit,
} from "./case-workflow.ts";
import { getContact } from "./contacts.ts";
import { listCustomFields } from "./custom-field-admin.ts";
import {
  applyCustomFieldChanges,
  type CustomFieldRow,
  type CustomFieldValues,
  missingRequiredFields,
  validateCustomFieldValues,
} from "./custom-fields.ts";
import type { CaseDeps } from "./deps.ts";
import { AppError, notFound } from "./errors.ts";
import { type UnitOfWork, withUnitOfWork } from "./unit-of-work.ts";

/** The active definitions, from the cache when there is one. */
export async function fieldDefinitions(
  deps: Pick<CaseDeps, "customFields">,
  executor: Executor,
  entity?: CustomFieldEntity,
): Promise<CustomFieldRow[]> {
  const rows = deps.customFields
    ? await deps.customFields.get(executor)
    : await listCustomFields(executor, {});
  return entity ? rows.filter((row) => row.entity === entity) : rows;
}

export interface CaseFieldsInput {
  caseId: string;
  values: CustomFieldValues;
  actor: Actor;
}

export function setCaseCustomFields(deps: CaseDeps, input: CaseFieldsInput): Promise<CaseRow> {
  return withUnitOfWork(deps, (tx, uow) => setCaseCustomFieldsIn(tx, uow, deps, input));
}

/**
 * Where a waiting case goes now that its fields changed: the queue of the assignment rule its new
 * values match, when that rule looks at custom fields and names another queue; otherwise null.
 */
async function placeAgain(tx: Tx, deps: CaseDeps, row: CaseRow, fields: CustomFieldValues) {
  if (!deps.routingHooks || !caseStateHas(row.state, "routable")) return null;
  const [contact] = await tx.select().from(contacts).where(eq(contacts.id, row.contactId));
  const placement = await deps.routingHooks.placeNewCase(tx, {
    channel: row.channel,
    contactId: row.contactId,
    contactAttributes: contact?.attributes ?? {},
    contactFields: contact?.customFields ?? {},
    caseFields: fields,
    lastAssigneeId: null,
    channelAddress: row.channelAddress,
    // Keyword rules read the first message; a field change is judged on the subject alone.
    subject: row.subject,
    body: "",
    priority: row.priority,
    queueHint: null,
  });
  if (!placement.rule?.onFields || !placement.queueId || placement.queueId === row.queueId) return null;
  return { queueId: placement.queueId, ruleId: placement.rule.id };
}

/** `setCaseCustomFields` inside a caller's transaction (automation applies fields this way). */
export async function setCaseCustomFieldsIn(
  tx: Tx,
  uow: UnitOfWork,
  deps: CaseDeps,
  input: CaseFieldsInput,
): Promise<CaseRow> {
  const row = await lockCase(tx, input.caseId);
  const definitions = await fieldDefinitions(deps, tx, "case");
  const checked = validateCustomFieldValues(definitions, "case", input.values, { queueId: row.queueId });
  const { next, changed } = applyCustomFieldChanges(row.customFields, checked);
  if (changed.length === 0) return row;
  const at = deps.clock();
  const update = { type: "UPDATE", at: at.getTime() } as const;
  if (!canAccept(deps.machine, snapshotOf(row), update))
    throw new AppError(
      "ILLEGAL_ACTION",
      `Case #${row.number} is ${row.state}; it can no longer be changed.`,
      {
        state: row.state,
      },
    );
  const moved = await placeAgain(tx, deps, row, next);
  // A new queue: the wait starts again there, as on a transfer (routing/transfers.ts).
  const changes = {
    customFields: next,
    ...(moved ? { queueId: moved.queueId, enqueuedAt: at, stickyAgentId: null, routingStepsApplied: 0 } : {}),
  };
  const labels = new Map(definitions.map((field) => [field.key, field.label]));
  const details = {
    fields: changed.map((change) => ({ ...change, label: labels.get(change.key) ?? change.key })),
    ...(moved ? { fromQueueId: row.queueId, toQueueId: moved.queueId, ruleId: moved.ruleId } : {}),
  };
  const applied = await applyCaseEvent(tx, uow, deps, row, update, input.actor, {}, changes);
  uow.emit({
    type: "case.updated",
    caseId: row.id,
    state: applied.row.state,
    assigneeId: applied.row.assigneeId,
    case: applied.row,
  });
  await writeAudit(tx, { caseId: row.id, type: "custom_fields_changed", actor: input.actor, details, at });
  if (moved) uow.requestRouting(moved.queueId);
  return applied.row;
}

/** Refuses to resolve a case while a field required for it (or its queue) is empty: 400 naming them. */
export async function assertRequiredFieldsFilled(deps: CaseDeps, row: CaseRow): Promise<void> {
  const missing = missingRequiredFields(
    await fieldDefinitions(deps, deps.db, "case"),
    row.customFields,
    row.queueId,
  );
  if (!missing.length) return;
  throw new AppError(
    "VALIDATION",
    `Case #${row.number} needs ${missing.map((field) => `'${field.label}'`).join(", ")} filled in before it is resolved.`,
    { missingFields: missing.map((field) => field.key) },
  );
}

/** Sets a contact's custom field values (null clears one); a contact merged away cannot be edited. */
export async function setContactCustomFields(
  deps: Pick<CaseDeps, "customFields" | "db">,
  contactId: string,
  values: CustomFieldValues,
  at: Date,
) {
  const [current] = await deps.db.select().from(contacts).where(eq(contacts.id, contactId));
  if (!current) throw notFound("Contact", contactId);
  if (current.mergedIntoId)
    throw new AppError(
      "CONFLICT",
      `Contact '${contactId}' was merged into '${current.mergedIntoId}'; edit that one instead.`,
    );
  const definitions = await fieldDefinitions(deps, deps.db, "contact");
  const checked = validateCustomFieldValues(definitions, "contact", values);
  const { next, changed } = applyCustomFieldChanges(current.customFields, checked);
  if (changed.length)
    await deps.db
      .update(contacts)
      .set({ customFields: next, updatedAt: at })
      .where(eq(contacts.id, contactId));
  return getContact(deps.db, contactId);
}
