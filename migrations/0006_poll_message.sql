ALTER TABLE "polls" ADD COLUMN "message_key" text;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "picks" jsonb;