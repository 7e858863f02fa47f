import { Migration } from '@mikro-orm/migrations';

export class Migration20261201221946 extends Migration {
  override name = 'Migration20261201221946';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "access_token_scope" ("token_id" uuid not null, "data_source_id" uuid not null, primary key ("token_id", "data_source_id"));`,
    );
    this.addSql(
      `create index "access_token_scope_data_source_id_index" on "access_token_scope" ("data_source_id");`,
    );

    this.addSql(`alter table "token_notice" add "details" jsonb null;`);

    this.addSql(`alter table "token_policy" add "revoke_unused_after_days" int null;`);

    this.addSql(`alter table "access_token" drop constraint "access_token_revoke_reason_check";`);
    this.addSql(
      `alter table "access_token" add "last_used_ip" varchar(45) null, add "last_used_client" varchar(200) null, add "last_rejected_at" timestamptz null, add "last_rejected_ip" varchar(45) null, add "last_rejected_client" varchar(200) null, add "scoped" boolean not null default false;`,
    );
    this.addSql(
      `create index "access_token_unused_index" on "access_token" ("tenant_id", (coalesce("last_used_at", "created_at"))) where "revoked_at" is null and "expired_at" is null;`,
    );
    this.addSql(
      `alter table "access_token" add constraint "access_token_revoke_reason_check" check ("revoke_reason" in ('user', 'revoke_all', 'rotated', 'unused', 'leaked'));`,
    );

    this.addSql(
      `alter table "access_token_scope" add constraint "access_token_scope_token_id_foreign" foreign key ("token_id") references "access_token" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_token_scope" add constraint "access_token_scope_data_source_id_foreign" foreign key ("data_source_id") references "data_source" ("id") on update cascade on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "access_token_scope" cascade;`);

    this.addSql(`drop index "access_token_unused_index";`);
    this.addSql(`alter table "access_token" drop constraint "access_token_revoke_reason_check";`);
    this.addSql(
      `alter table "access_token" drop column "last_used_ip", drop column "last_used_client", drop column "last_rejected_at", drop column "last_rejected_ip", drop column "last_rejected_client", drop column "scoped";`,
    );
    this.addSql(
      `alter table "access_token" add constraint "access_token_revoke_reason_check" check ("revoke_reason" in ('user', 'revoke_all', 'rotated'));`,
    );

    this.addSql(`alter table "token_notice" drop column "details";`);

    this.addSql(`alter table "token_policy" drop column "revoke_unused_after_days";`);
  }
}
