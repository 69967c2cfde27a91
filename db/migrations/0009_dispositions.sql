CREATE TABLE "disposition_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"label" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "disposition_id" uuid;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "disposition_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "disposition_codes_label_uq" ON "disposition_codes" USING btree (lower("label"));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_disposition_id_disposition_codes_id_fk" FOREIGN KEY ("disposition_id") REFERENCES "public"."disposition_codes"("id") ON DELETE no action ON UPDATE no action;