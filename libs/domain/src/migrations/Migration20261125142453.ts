import { Migration } from '@mikro-orm/migrations';

export class Migration20261125142453 extends Migration {

  override name = 'Migration20261125142453';

  override up(): void | Promise<void> {
    this.addSql(`create table "mail_outbox" ("id" uuid not null, "tenant_id" uuid not null, "user_id" uuid not null, "status" text not null default 'queued', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" varchar(500) null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mail_outbox_due_index" on "mail_outbox" ("next_attempt_at") where "status" = 'queued';`);
    this.addSql(`create index "mail_outbox_tenant_status_index" on "mail_outbox" ("tenant_id", "status");`);

    this.addSql(`create table "token_notice" ("id" uuid not null, "token_id" uuid not null, "kind" varchar(64) not null, "tenant_id" uuid not null, "owner_id" uuid not null, "outbox_id" uuid not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "token_notice_outbox_id_index" on "token_notice" ("outbox_id");`);
    this.addSql(`alter table "token_notice" add constraint "token_notice_token_kind_unique" unique ("token_id", "kind");`);

    this.addSql(`alter table "access_token" add "expired_at" timestamptz null, add "next_notice_at" timestamptz null;`);
    this.addSql(`create index "access_token_expiry_due_index" on "access_token" ("expires_at") where "revoked_at" is null and "expired_at" is null and "expires_at" is not null;`);
    this.addSql(`create index "access_token_next_notice_index" on "access_token" ("next_notice_at") where "next_notice_at" is not null;`);

    this.addSql(`alter table "mail_outbox" add constraint "mail_outbox_status_check" check ("status" in ('queued', 'sent', 'failed', 'cancelled'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "mail_outbox" cascade;`);
    this.addSql(`drop table if exists "token_notice" cascade;`);

    this.addSql(`drop index "access_token_expiry_due_index";`);
    this.addSql(`drop index "access_token_next_notice_index";`);
    this.addSql(`alter table "access_token" drop column "expired_at", drop column "next_notice_at";`);
  }

}
