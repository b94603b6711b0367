ALTER TABLE "users" ADD COLUMN "profile_id" integer;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_profile_id_users_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_profile_idx" ON "users" USING btree ("profile_id");