import { Migration } from '@mikro-orm/migrations';

export class Migration20261125140634 extends Migration {

  override name = 'Migration20261125140634';

  override up(): void | Promise<void> {
    this.addSql(`create table "token_policy" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "mode" text not null, "lifetime_days" int null, "notify_days_before" jsonb not null, "updated_by_id" uuid null, primary key ("id"));`);
    this.addSql(`alter table "token_policy" add constraint "token_policy_tenant_id_unique" unique ("tenant_id");`);

    this.addSql(`create table "access_token" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "owner_id" uuid not null, "label" varchar(100) not null, "digest" varchar(64) not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "revoke_reason" text null, "last_used_at" timestamptz null, "rotated_from" uuid null, primary key ("id"));`);
    this.addSql(`alter table "access_token" add constraint "access_token_digest_unique" unique ("digest");`);
    this.addSql(`create index "access_token_owner_created_index" on "access_token" ("owner_id", "created_at");`);
    this.addSql(`create index "access_token_tenant_created_index" on "access_token" ("tenant_id", "created_at");`);
    this.addSql(`create index "access_token_owner_unrevoked_index" on "access_token" ("owner_id", "expires_at") where "revoked_at" is null;`);

    this.addSql(`drop index "history_event_subject_user_id_occurred_at_id_index";`);
    this.addSql(`drop index "history_event_tenant_id_occurred_at_id_index";`);
    this.addSql(`alter table "history_event" add "seq" bigserial, add "token_id" uuid null, add "token_label" varchar(100) null;`);
    this.addSql(`create index "history_event_tenant_seq_index" on "history_event" ("tenant_id", "seq");`);
    this.addSql(`create index "history_event_subject_seq_index" on "history_event" ("subject_user_id", "seq");`);
    this.addSql(`create index "history_event_token_seq_index" on "history_event" ("token_id", "seq");`);

    this.addSql(`alter table "token_policy" add constraint "token_policy_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "token_policy" add constraint "token_policy_updated_by_id_foreign" foreign key ("updated_by_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "token_policy" add constraint "token_policy_mode_check" check ("mode" in ('none', 'fixed', 'max'));`);

    this.addSql(`alter table "access_token" add constraint "access_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "access_token" add constraint "access_token_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id");`);
    this.addSql(`alter table "access_token" add constraint "access_token_revoke_reason_check" check ("revoke_reason" in ('user', 'revoke_all', 'rotated'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "token_policy" cascade;`);
    this.addSql(`drop table if exists "access_token" cascade;`);

    this.addSql(`drop index "history_event_tenant_seq_index";`);
    this.addSql(`drop index "history_event_subject_seq_index";`);
    this.addSql(`drop index "history_event_token_seq_index";`);
    this.addSql(`alter table "history_event" drop column "seq", drop column "token_id", drop column "token_label";`);
    this.addSql(`create index "history_event_subject_user_id_occurred_at_id_index" on "history_event" ("subject_user_id", "occurred_at", "id");`);
    this.addSql(`create index "history_event_tenant_id_occurred_at_id_index" on "history_event" ("tenant_id", "occurred_at", "id");`);
  }

}
