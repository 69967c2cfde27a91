CREATE TABLE "agent_presence_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"presence" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_sla_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"policy_id" uuid,
	"metric" text NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"target_minutes" double precision NOT NULL,
	"business" boolean NOT NULL,
	"at_risk_percent" integer NOT NULL,
	"calendar" jsonb,
	"segment_started_at" timestamp with time zone,
	"elapsed_minutes" double precision DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone,
	"at_risk_at" timestamp with time zone,
	"met_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_sla_targets_case_metric_uq" UNIQUE("case_id","metric")
);
--> statement-breakpoint
CREATE TABLE "escalation_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"trigger" text NOT NULL,
	"metric" text,
	"queue_id" uuid,
	"action" text NOT NULL,
	"target_queue_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_intervals" (
	"queue_id" uuid NOT NULL,
	"interval_start" timestamp with time zone NOT NULL,
	"figures" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_intervals_queue_id_interval_start_pk" PRIMARY KEY("queue_id","interval_start")
);
--> statement-breakpoint
CREATE TABLE "remedies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"case_id" uuid,
	"queue_id" uuid,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"predicted" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"applied_by" uuid,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text DEFAULT 'pending' NOT NULL,
	"outcome_at" timestamp with time zone,
	"outcome_details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"cycle" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "sla_events_once_uq" UNIQUE("target_id","cycle","type")
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"targets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at_risk_percent" integer DEFAULT 25 NOT NULL,
	"calendar" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_status" text;--> statement-breakpoint
ALTER TABLE "agent_presence_log" ADD CONSTRAINT "agent_presence_log_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_sla_targets" ADD CONSTRAINT "case_sla_targets_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_sla_targets" ADD CONSTRAINT "case_sla_targets_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_rules" ADD CONSTRAINT "escalation_rules_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_rules" ADD CONSTRAINT "escalation_rules_target_queue_id_queues_id_fk" FOREIGN KEY ("target_queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_intervals" ADD CONSTRAINT "queue_intervals_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remedies" ADD CONSTRAINT "remedies_applied_by_agents_id_fk" FOREIGN KEY ("applied_by") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_presence_log_agent_idx" ON "agent_presence_log" USING btree ("agent_id","at");--> statement-breakpoint
CREATE INDEX "agent_presence_log_at_idx" ON "agent_presence_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "case_sla_targets_at_risk_idx" ON "case_sla_targets" USING btree ("at_risk_at") WHERE status = 'active' and not paused;--> statement-breakpoint
CREATE INDEX "case_sla_targets_due_idx" ON "case_sla_targets" USING btree ("due_at") WHERE status in ('active', 'at_risk') and not paused;--> statement-breakpoint
CREATE INDEX "remedies_pending_idx" ON "remedies" USING btree ("applied_at") WHERE outcome = 'pending';--> statement-breakpoint
CREATE INDEX "sla_events_case_idx" ON "sla_events" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "sla_events_at_idx" ON "sla_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sla_policies_position_idx" ON "sla_policies" USING btree ("position");--> statement-breakpoint
CREATE INDEX "cases_sla_due_idx" ON "cases" USING btree ("sla_due_at");--> statement-breakpoint
INSERT INTO "sla_policies" ("name", "position", "conditions", "targets") VALUES ('Standard', 1, '{}', '{
  "urgent": {"first_response": {"minutes": 15, "business": false}, "next_response": {"minutes": 30, "business": false}, "resolution": {"minutes": 240, "business": false}, "answer": {"minutes": 1, "business": false}},
  "high": {"first_response": {"minutes": 60, "business": true}, "next_response": {"minutes": 120, "business": true}, "resolution": {"minutes": 480, "business": true}, "answer": {"minutes": 2, "business": false}},
  "normal": {"first_response": {"minutes": 240, "business": true}, "next_response": {"minutes": 480, "business": true}, "resolution": {"minutes": 1440, "business": true}, "answer": {"minutes": 3, "business": false}},
  "low": {"first_response": {"minutes": 480, "business": true}, "resolution": {"minutes": 4320, "business": true}, "answer": {"minutes": 5, "business": false}}
}');
