CREATE TABLE "cards" (
	"message_key" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"movie_ids" integer[] NOT NULL,
	"session_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marks" (
	"user_id" integer NOT NULL,
	"movie_id" integer NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "marks_user_id_movie_id_kind_pk" PRIMARY KEY("user_id","movie_id","kind")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"meta" jsonb NOT NULL,
	"data" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "movies" (
	"id" serial PRIMARY KEY NOT NULL,
	"movielens_id" integer,
	"imdb_id" text,
	"tmdb_id" integer,
	"title" text NOT NULL,
	"year" integer,
	"genres" text[] DEFAULT '{}'::text[] NOT NULL,
	"runtime" integer,
	"directors" text[] DEFAULT '{}'::text[] NOT NULL,
	"cast" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"overview" text,
	"certificate" text,
	"imdb_rating" real,
	"imdb_votes" integer,
	"poster_url" text,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "movies_movielens_id_unique" UNIQUE("movielens_id"),
	CONSTRAINT "movies_imdb_id_unique" UNIQUE("imdb_id")
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"event_key" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"user_id" integer NOT NULL,
	"movie_id" integer NOT NULL,
	"rating" real NOT NULL,
	"source" text NOT NULL,
	"rated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ratings_user_id_movie_id_pk" PRIMARY KEY("user_id","movie_id"),
	CONSTRAINT "ratings_range" CHECK ("ratings"."rating" >= 0.5 and "ratings"."rating" <= 5 and ("ratings"."rating" * 2) = round("ratings"."rating" * 2))
);
--> statement-breakpoint
CREATE TABLE "reaction_ratings" (
	"user_id" integer NOT NULL,
	"message_key" text NOT NULL,
	"emoji" text NOT NULL,
	"movie_id" integer NOT NULL,
	"rating" real NOT NULL,
	"previous_rating" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reaction_ratings_user_id_message_key_emoji_pk" PRIMARY KEY("user_id","message_key","emoji")
);
--> statement-breakpoint
CREATE TABLE "recommendation_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "recommendation_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"movie_id" integer NOT NULL,
	"model" text NOT NULL,
	"score" real,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"platform" text NOT NULL,
	"tenant" text NOT NULL,
	"display_name" text,
	"prefs" jsonb,
	"region" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
ALTER TABLE "marks" ADD CONSTRAINT "marks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marks" ADD CONSTRAINT "marks_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "public"."movies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "public"."movies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reaction_ratings" ADD CONSTRAINT "reaction_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reaction_ratings" ADD CONSTRAINT "reaction_ratings_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "public"."movies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_log" ADD CONSTRAINT "recommendation_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_log" ADD CONSTRAINT "recommendation_log_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "public"."movies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cards_tenant_idx" ON "cards" USING btree ("tenant");--> statement-breakpoint
CREATE INDEX "models_name_idx" ON "models" USING btree ("name","trained_at");--> statement-breakpoint
CREATE INDEX "movies_title_idx" ON "movies" USING btree ("title");--> statement-breakpoint
CREATE INDEX "movies_tmdb_idx" ON "movies" USING btree ("tmdb_id");--> statement-breakpoint
CREATE INDEX "ratings_movie_idx" ON "ratings" USING btree ("movie_id");--> statement-breakpoint
CREATE INDEX "recommendation_log_user_idx" ON "recommendation_log" USING btree ("user_id","movie_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id","kind");--> statement-breakpoint
CREATE INDEX "users_tenant_idx" ON "users" USING btree ("platform","tenant");