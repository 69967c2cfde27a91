/** The case core: contacts, cases, interactions, the case machine, ingest, replies and the outbox. */
export { closeIfDue, closeOverdueResolved } from "./auto-close.ts";
export {
  CASE_MACHINE_VERSION,
  type CaseEvent,
  type CaseMachine,
  type CasePolicy,
  createCaseMachine,
  DEFAULT_CASE_POLICY,
} from "./case-machine.ts";
export {
  type CaseDetail,
  type CaseListFilter,
  type CaseSummary,
  getCaseDetail,
  listCases,
  OPEN_STATES,
} from "./case-queries.ts";
export { type Actor, applyCaseEvent, type CaseRow, lockCase, writeAudit } from "./case-workflow.ts";
export type { ChannelSender, ChannelSenders, OutboundMessage, SendResult } from "./channel-sender.ts";
export { mergeContacts, undoMerge } from "./contact-merges.ts";
export { getContact, previewMerge, resolveContact, searchContacts } from "./contacts.ts";
export type { CaseDeps } from "./deps.ts";
export { AppError, type ErrorCode, isAppError, notFound } from "./errors.ts";
export type { DomainEvent } from "./events.ts";
export { normaliseIdentity, normalisePhone } from "./identities.ts";
export {
  type InboundMessage,
  type IngestResult,
  type InteractionRow,
  ingest,
  ingestInTransaction,
} from "./ingest.ts";
export { deliverInteraction, findStrandedOutbound, recordDeliveryStatus } from "./outbox.ts";
export type { CaseJobs, Clock, EnqueueOptions, EventSink, JobScheduler } from "./ports.ts";
export {
  addNote,
  addReply,
  allowedActions,
  CASE_ACTIONS,
  type CaseAction,
  performAction,
} from "./replies.ts";
export { type UnitOfWork, withUnitOfWork } from "./unit-of-work.ts";
