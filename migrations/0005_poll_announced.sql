ALTER TABLE "polls" ADD COLUMN "announced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "announce_after" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "polls_announce_pending_idx" ON "polls" USING btree ("closes_at") WHERE "polls"."announce_after" is not null and "polls"."announced_at" is null;--> statement-breakpoint
-- Polls closed before this migration were announced (or given up on) by the code of their day: never re-announce them.
UPDATE "polls" SET "announced_at" = now() WHERE "closed" = true;
