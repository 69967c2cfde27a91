-- Trigram indexes for the inbox search. pg_trgm ships with PostgreSQL (contrib) and with PGlite, and is
-- a trusted extension: a database owner may create it. IF NOT EXISTS on the indexes lets an operator of a
-- large installation build them beforehand with CREATE INDEX CONCURRENTLY, without blocking writes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_open_assignee_updated_idx" ON "cases" USING btree ("assignee_id","updated_at","id") WHERE state in ('new', 'queued', 'offered', 'assigned', 'waiting_on_customer');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_open_unassigned_updated_idx" ON "cases" USING btree ("updated_at","id") WHERE assignee_id is null and state in ('new', 'queued', 'offered', 'assigned', 'waiting_on_customer');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_open_queue_updated_idx" ON "cases" USING btree ("queue_id","updated_at","id") WHERE state in ('new', 'queued', 'offered', 'assigned', 'waiting_on_customer');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_open_updated_idx" ON "cases" USING btree ("updated_at","id") WHERE state in ('new', 'queued', 'offered', 'assigned', 'waiting_on_customer');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_open_sla_flagged_updated_idx" ON "cases" USING btree ("updated_at","id") WHERE sla_status in ('at_risk', 'breached') and state in ('new', 'queued', 'offered', 'assigned', 'waiting_on_customer');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_subject_trgm_idx" ON "cases" USING gin ("subject" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "interactions_body_trgm_idx" ON "interactions" USING gin ("body" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contact_identities_address_trgm_idx" ON "contact_identities" USING gin ("address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_name_trgm_idx" ON "contacts" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
-- The search reads each column one of two ways, picked by the planner's estimate of how many rows match
-- (cases/case-search.ts); a sample ten times the default keeps that estimate close for words in 0.1 % of rows.
ALTER TABLE "cases" ALTER COLUMN "subject" SET STATISTICS 1000;--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "name" SET STATISTICS 1000;--> statement-breakpoint
ALTER TABLE "contact_identities" ALTER COLUMN "address" SET STATISTICS 1000;--> statement-breakpoint
ALTER TABLE "interactions" ALTER COLUMN "body" SET STATISTICS 1000;