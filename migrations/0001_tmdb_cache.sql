CREATE TABLE "tmdb_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"data" jsonb,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "tmdb_cache_expires_idx" ON "tmdb_cache" USING btree ("expires_at");