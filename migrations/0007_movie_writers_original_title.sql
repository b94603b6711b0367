ALTER TABLE "movies" ADD COLUMN "writers" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "movies" ADD COLUMN "original_title" text;