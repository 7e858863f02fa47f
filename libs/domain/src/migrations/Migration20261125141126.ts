import { Migration } from '@mikro-orm/migrations';

export class Migration20261125141126 extends Migration {

  override name = 'Migration20261125141126';

  override up(): void | Promise<void> {
    this.addSql(`create table "data_source" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "owner_id" uuid not null, "name" varchar(100) not null, "key" varchar(32) not null, "tables" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "data_source" add constraint "data_source_key_unique" unique ("key");`);
    this.addSql(`create index "data_source_owner_index" on "data_source" ("owner_id");`);

    this.addSql(`create table "data_source_share" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "data_source_id" uuid not null, "user_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "data_source_share_user_id_index" on "data_source_share" ("user_id");`);
    this.addSql(`alter table "data_source_share" add constraint "data_source_share_unique" unique ("data_source_id", "user_id");`);

    this.addSql(`alter table "data_source" add constraint "data_source_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "data_source" add constraint "data_source_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id");`);

    this.addSql(`alter table "data_source_share" add constraint "data_source_share_data_source_id_foreign" foreign key ("data_source_id") references "data_source" ("id") on delete cascade;`);
    this.addSql(`alter table "data_source_share" add constraint "data_source_share_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "data_source_share" drop constraint "data_source_share_data_source_id_foreign";`);

    this.addSql(`drop table if exists "data_source" cascade;`);
    this.addSql(`drop table if exists "data_source_share" cascade;`);
  }

}
