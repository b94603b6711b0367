CREATE TABLE "model_chunks" (
	"model_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "model_chunks_model_id_seq_pk" PRIMARY KEY("model_id","seq")
);
--> statement-breakpoint
ALTER TABLE "model_chunks" ADD CONSTRAINT "model_chunks_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;