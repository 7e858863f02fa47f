import { Migration } from '@mikro-orm/migrations';

export class Migration20261201210538 extends Migration {

  override name = 'Migration20261201210538';

  override up(): void | Promise<void> {
    this.addSql(`create table "tenant_sso" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "issuer" varchar(500) not null, "client_id" varchar(255) not null, "client_secret_encrypted" text null, "display_name" varchar(60) not null, "allowed_domains" jsonb not null, "auto_create" boolean not null default false, "default_role" text not null default 'user', "password_sign_in" boolean not null default true, "enabled" boolean not null default false, primary key ("id"));`);
    this.addSql(`alter table "tenant_sso" add constraint "tenant_sso_tenant_id_unique" unique ("tenant_id");`);

    this.addSql(`create table "user_identity" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "tenant_id" uuid not null, "user_id" uuid not null, "issuer" varchar(500) not null, "subject" varchar(255) not null, "email" varchar(254) null, "last_sign_in_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "user_identity_user_id_index" on "user_identity" ("user_id");`);
    this.addSql(`alter table "user_identity" add constraint "user_identity_tenant_issuer_subject_unique" unique ("tenant_id", "issuer", "subject");`);
    this.addSql(`alter table "user_identity" add constraint "user_identity_user_issuer_unique" unique ("user_id", "issuer");`);

    // Existing tenants get their slug from their name (slugFromName in libs/domain/src/rules/
    // tenant-slug.ts spells the same rule); a name that slugs like an older one gets "-2", "-3"...
    this.addSql(`alter table "tenant" add "slug" varchar(63) null;`);
    this.addSql(`
      with base as (
        select id, created_at,
               coalesce(nullif(left(trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), 56), ''), 'tenant') as slug
          from tenant
      ), numbered as (
        select id, slug, row_number() over (partition by slug order by created_at, id) as n from base
      )
      update tenant t
         set slug = case when n.n = 1 then n.slug else rtrim(n.slug, '-') || '-' || n.n end
        from numbered n
       where n.id = t.id;`);
    this.addSql(`alter table "tenant" alter column "slug" set not null;`);
    this.addSql(`alter table "tenant" add constraint "tenant_slug_unique" unique ("slug");`);

    this.addSql(`alter table "tenant_sso" add constraint "tenant_sso_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "tenant_sso" add constraint "tenant_sso_default_role_check" check ("default_role" in ('user', 'admin'));`);

    this.addSql(`alter table "user_identity" add constraint "user_identity_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id");`);
    this.addSql(`alter table "user_identity" add constraint "user_identity_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "tenant_sso" cascade;`);
    this.addSql(`drop table if exists "user_identity" cascade;`);

    this.addSql(`alter table "tenant" drop constraint "tenant_slug_unique";`);
    this.addSql(`alter table "tenant" drop column "slug";`);
  }

}
