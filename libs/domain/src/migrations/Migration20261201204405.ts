import { Migration } from '@mikro-orm/migrations';

export class Migration20261201204405 extends Migration {

  override name = 'Migration20261201204405';

  override up(): void | Promise<void> {
    this.addSql(`create table "account_link" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "user_id" uuid not null, "purpose" text not null, "secret_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "account_link_user_id_index" on "account_link" ("user_id");`);
    this.addSql(`alter table "account_link" add constraint "account_link_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`alter table "mail_outbox" add "kind" text not null default 'notice', add "link_id" uuid null, add "link_secret" varchar(64) null;`);
    this.addSql(`alter table "mail_outbox" add constraint "mail_outbox_kind_check" check ("kind" in ('notice', 'invitation', 'password_reset'));`);

    this.addSql(`alter table "app_user" alter column "password_hash" drop not null;`);

    this.addSql(`alter table "account_link" add constraint "account_link_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "account_link" add constraint "account_link_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "account_link" add constraint "account_link_purpose_check" check ("purpose" in ('invitation', 'password_reset'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "account_link" cascade;`);

    this.addSql(`alter table "app_user" alter column "password_hash" set not null;`);

    this.addSql(`alter table "mail_outbox" drop constraint "mail_outbox_kind_check";`);
    this.addSql(`alter table "mail_outbox" drop column "kind", drop column "link_id", drop column "link_secret";`);
  }

}
