import { Migration } from '@mikro-orm/migrations';

export class Migration20261125135651 extends Migration {

  override name = 'Migration20261125135651';

  override up(): void | Promise<void> {
    this.addSql(`create table "tenant" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(100) not null, primary key ("id"));`);
    this.addSql(`alter table "tenant" add constraint "tenant_name_unique" unique ("name");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "username" varchar(64) not null, "email" varchar(254) not null, "display_name" varchar(100) not null, "role" text not null default 'user', "status" text not null default 'active', "time_zone" varchar(64) not null default 'UTC', "password_hash" varchar(255) not null, "deactivated_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "app_user_tenant_id_index" on "app_user" ("tenant_id");`);
    this.addSql(`create unique index "app_user_username_lower_unique" on "app_user" (lower("username"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_role_check" check ("role" in ('user', 'admin'));`);
    this.addSql(`alter table "app_user" add constraint "app_user_status_check" check ("status" in ('active', 'deactivated'));`);

    this.addSql(`create table "session" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "secret_hash" varchar(64) not null, "user_id" uuid not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "absolute_expires_at" timestamptz not null, "user_agent" varchar(255) null, "ip" varchar(64) null, primary key ("id"));`);
    this.addSql(`alter table "session" add constraint "session_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);

    this.addSql(`create table "history_event" ("id" uuid not null, "tenant_id" uuid not null, "occurred_at" timestamptz not null, "type" varchar(64) not null, "actor_id" uuid null, "subject_user_id" uuid null, "details" jsonb not null default '{}', primary key ("id"));`);
    this.addSql(`create index "history_event_tenant_id_occurred_at_id_index" on "history_event" ("tenant_id", "occurred_at", "id");`);
    this.addSql(`create index "history_event_subject_user_id_occurred_at_id_index" on "history_event" ("subject_user_id", "occurred_at", "id");`);

    this.addSql(`alter table "app_user" add constraint "app_user_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);

    this.addSql(`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "history_event" add constraint "history_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "history_event" add constraint "history_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "history_event" add constraint "history_event_subject_user_id_foreign" foreign key ("subject_user_id") references "app_user" ("id") on delete set null;`);
  }

}
