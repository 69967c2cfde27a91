CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"interaction_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"storage_key" text,
	"content_id" text,
	"inline" boolean DEFAULT false NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"event" text NOT NULL,
	"case_event_id" bigint NOT NULL,
	"channel" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"send_after" timestamp with time zone DEFAULT now() NOT NULL,
	"interaction_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_notifications_event_uq" UNIQUE("case_event_id","event")
);
--> statement-breakpoint
CREATE TABLE "mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"from_name" text,
	"imap_url_encrypted" text,
	"smtp_url_encrypted" text,
	"from_env" boolean DEFAULT false NOT NULL,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"queue_id" uuid,
	"enabled" boolean DEFAULT true NOT NULL,
	"uid_validity" bigint,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"last_sync_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mailboxes_name_unique" UNIQUE("name"),
	CONSTRAINT "mailboxes_address_unique" UNIQUE("address")
);
--> statement-breakpoint
CREATE TABLE "notification_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event" text NOT NULL,
	"channel" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_templates_event_channel_uq" UNIQUE("event","channel")
);
--> statement-breakpoint
CREATE TABLE "phone_numbers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"queue_id" uuid,
	"greeting" text,
	"ivr" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fallback_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "phone_numbers_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "csat_rating" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "csat_comment" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "csat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contact_identities" ADD COLUMN "opted_out_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contact_identities" ADD COLUMN "opt_out_method" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "preferred_channel" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notifications" ADD CONSTRAINT "case_notifications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD CONSTRAINT "mailboxes_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_interaction_idx" ON "attachments" USING btree ("interaction_id");--> statement-breakpoint
CREATE INDEX "case_notifications_pending_idx" ON "case_notifications" USING btree ("send_after") WHERE status = 'pending';--> statement-breakpoint
INSERT INTO "notification_templates" ("event", "channel", "subject", "body") VALUES
('created', 'email', 'We received your request', E'Hi {{contact.name}},\n\nThank you for getting in touch. Your request #{{case.number}} ("{{case.subject}}") is with our team and we will get back to you soon.\n\nYou can follow it and reply here: {{statusUrl}}'),
('created', 'sms', '', 'We got your message (case #{{case.number}}) and will reply soon. Follow it: {{statusUrl}}'),
('waiting_on_customer', 'email', 'We need your reply', E'Hi {{contact.name}},\n\nTo go on with your request #{{case.number}} ("{{case.subject}}") we need a reply from you. Just answer this email, or reply here: {{statusUrl}}'),
('waiting_on_customer', 'sms', '', 'Case #{{case.number}} is waiting for your reply. Answer here or at {{statusUrl}}'),
('waiting_on_customer', 'chat', '', 'We are waiting for your reply to go on.'),
('resolved', 'email', 'Your request has been resolved', E'Hi {{contact.name}},\n\nYour request #{{case.number}} ("{{case.subject}}") has been resolved. If something is still not right, just reply.\n\nHow did we do? Rate us in one click: {{statusUrl}}'),
('resolved', 'sms', '', 'Case #{{case.number}} is resolved. Reply if anything is still wrong. How did we do? {{statusUrl}}'),
('resolved', 'chat', '', 'This conversation is resolved. How did we do? Rate us: {{statusUrl}}'),
('reopened', 'email', 'Your request is open again', E'Hi {{contact.name}},\n\nYour request #{{case.number}} ("{{case.subject}}") is open again and our team is on it.\n\nFollow it here: {{statusUrl}}'),
('reopened', 'sms', '', 'Case #{{case.number}} is open again; we are on it. Follow it: {{statusUrl}}');
