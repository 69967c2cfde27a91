CREATE TABLE "call_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"list_id" uuid NOT NULL,
	"queue_id" uuid,
	"skills" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mode" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"script" text DEFAULT '' NOT NULL,
	"dispositions" jsonb NOT NULL,
	"calling_hours" jsonb,
	"schedule" jsonb,
	"abandon_limit_percent" numeric(5, 2) DEFAULT 3 NOT NULL,
	"max_ratio" numeric(4, 2) DEFAULT 3 NOT NULL,
	"ring_seconds" integer DEFAULT 25 NOT NULL,
	"retry_rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_attempts_per_record" integer DEFAULT 8 NOT NULL,
	"caller_id" text NOT NULL,
	"voicemail_drop_url" text,
	"abandon_message" text DEFAULT 'Sorry, all our agents are busy. We will call you back later. Goodbye.' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "dial_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"explanation" text NOT NULL,
	"agent_id" uuid,
	"call_sid" text,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"disposition" text,
	"disposition_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "do_not_call" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"campaign_id" uuid,
	"source" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"agent_id" uuid,
	"estimated_value_cents" integer,
	"currency" text DEFAULT 'USD' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_import_issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"value" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"list_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"mapping" jsonb NOT NULL,
	"default_country" text NOT NULL,
	"source" text,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"done_through_line" integer DEFAULT 1 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"invalid" integer DEFAULT 0 NOT NULL,
	"contacts_matched" integer DEFAULT 0 NOT NULL,
	"failure" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "list_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"list_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"extension" text,
	"name" text,
	"time_zones" jsonb NOT NULL,
	"time_zone_source" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"line" integer,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_disposition" text,
	"status_reason" text,
	"agent_id" uuid,
	"recycled" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"agent_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"local_time" text NOT NULL,
	"time_zone" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_lists" ADD CONSTRAINT "call_lists_created_by_id_agents_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_list_id_call_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."call_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dial_attempts" ADD CONSTRAINT "dial_attempts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dial_attempts" ADD CONSTRAINT "dial_attempts_record_id_list_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."list_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dial_attempts" ADD CONSTRAINT "dial_attempts_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "do_not_call" ADD CONSTRAINT "do_not_call_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "do_not_call" ADD CONSTRAINT "do_not_call_created_by_id_agents_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_record_id_list_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."list_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_import_issues" ADD CONSTRAINT "list_import_issues_import_id_list_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."list_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_imports" ADD CONSTRAINT "list_imports_list_id_call_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."call_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_imports" ADD CONSTRAINT "list_imports_created_by_id_agents_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_records" ADD CONSTRAINT "list_records_list_id_call_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."call_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_records" ADD CONSTRAINT "list_records_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_records" ADD CONSTRAINT "list_records_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_callbacks" ADD CONSTRAINT "outbound_callbacks_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_callbacks" ADD CONSTRAINT "outbound_callbacks_record_id_list_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."list_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_callbacks" ADD CONSTRAINT "outbound_callbacks_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_callbacks" ADD CONSTRAINT "outbound_callbacks_created_by_id_agents_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_status_idx" ON "campaigns" USING btree ("status");--> statement-breakpoint
CREATE INDEX "dial_attempts_campaign_idx" ON "dial_attempts" USING btree ("campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "dial_attempts_record_idx" ON "dial_attempts" USING btree ("record_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "dial_attempts_call_sid_uq" ON "dial_attempts" USING btree ("call_sid") WHERE call_sid is not null;--> statement-breakpoint
CREATE INDEX "dial_attempts_open_idx" ON "dial_attempts" USING btree ("campaign_id","status") WHERE status in ('queued', 'ringing', 'connected');--> statement-breakpoint
CREATE UNIQUE INDEX "do_not_call_global_uq" ON "do_not_call" USING btree ("phone") WHERE campaign_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "do_not_call_campaign_uq" ON "do_not_call" USING btree ("campaign_id","phone") WHERE campaign_id is not null;--> statement-breakpoint
CREATE INDEX "leads_campaign_idx" ON "leads" USING btree ("campaign_id");--> statement-breakpoint
CREATE UNIQUE INDEX "list_import_issues_line_uq" ON "list_import_issues" USING btree ("import_id","line");--> statement-breakpoint
CREATE INDEX "list_imports_list_idx" ON "list_imports" USING btree ("list_id");--> statement-breakpoint
CREATE UNIQUE INDEX "list_records_list_phone_uq" ON "list_records" USING btree ("list_id","phone");--> statement-breakpoint
CREATE INDEX "list_records_due_idx" ON "list_records" USING btree ("list_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "list_records_contact_idx" ON "list_records" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "outbound_callbacks_due_idx" ON "outbound_callbacks" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "outbound_callbacks_record_idx" ON "outbound_callbacks" USING btree ("record_id");