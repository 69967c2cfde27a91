ALTER TABLE "mailboxes" ADD COLUMN "oauth_provider" text;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_tokens_encrypted" text;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_error" text;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_connected_at" timestamp with time zone;