/**
 * The demo source schema the demo data source serves: generated CRM data — 1,000 accounts,
 * 5,000 contacts, 100,000 deals, the products of the first 10,000 deals (a composite key) and
 * a view of each account's totals — deterministic (no random()), so every machine and every
 * test sees the same rows. Idempotent: tables are created if missing and filled if empty.
 */
export function demoSchemaSql(schema = 'demo', deals = 100_000): string[] {
  const s = `"${schema}"`;
  return [
    `create schema if not exists ${s}`,
    `create table if not exists ${s}.accounts (
       id integer primary key, name text not null, industry text not null, country text not null,
       created_at timestamptz not null)`,
    `create table if not exists ${s}.contacts (
       id integer primary key, account_id integer not null references ${s}.accounts (id),
       first_name text not null, last_name text not null, email text not null, created_at timestamptz not null)`,
    `create table if not exists ${s}.deals (
       id bigint primary key, account_id integer not null references ${s}.accounts (id),
       owner text not null, name text not null, stage text not null, amount numeric(14, 2) not null,
       probability smallint not null, is_won boolean not null,
       created_at timestamptz not null, closed_at timestamptz)`,
    // Incremental refresh filters on created_at; answer it from an index.
    `create index if not exists deals_created_at_idx on ${s}.deals (created_at)`,
    `insert into ${s}.accounts
       select i, 'Account ' || lpad(i::text, 4, '0'),
              (array['Manufacturing','Retail','Finance','Healthcare','Software','Energy'])[1 + i % 6],
              (array['DE','US','FR','GB','JP','BR','IN'])[1 + (i * 3) % 7],
              timestamptz '2023-01-01 00:00:00+00' + i * interval '17 hours'
         from generate_series(1, 1000) i
        where not exists (select 1 from ${s}.accounts)`,
    `insert into ${s}.contacts
       select i, 1 + i % 1000,
              (array['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','Ken'])[1 + i % 8],
              (array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Thompson'])[1 + (i * 5) % 8],
              'contact' || i || '@example.com',
              timestamptz '2023-02-01 00:00:00+00' + i * interval '3 hours'
         from generate_series(1, 5000) i
        where not exists (select 1 from ${s}.contacts)`,
    `insert into ${s}.deals
       select i, 1 + (i * 31) % 1000,
              (array['ada','grace','alan','edsger','barbara'])[1 + i % 5],
              'Deal ' || i,
              stage,
              ((i::bigint * 7919) % 1000000) / 100.0 + 100,
              case stage when 'Prospecting' then 10 when 'Qualification' then 25 when 'Proposal' then 50
                         when 'Negotiation' then 75 when 'Closed Won' then 100 else 0 end,
              stage = 'Closed Won',
              created,
              case when stage like 'Closed%' then created + (i % 90) * interval '1 day' end
         from generate_series(1, ${deals}) i,
              lateral (select (array['Prospecting','Qualification','Proposal','Negotiation','Closed Won','Closed Lost'])[1 + (i * 13) % 6] as stage,
                              timestamptz '2024-01-01 00:00:00+00' + i * interval '8 minutes' as created) d
        where not exists (select 1 from ${s}.deals)`,
    // A composite key: the products on the first 10,000 deals, one or two each.
    `create table if not exists ${s}.deal_products (
       deal_id bigint not null references ${s}.deals (id), product text not null,
       quantity integer not null, unit_price numeric(10, 2) not null,
       primary key (deal_id, product))`,
    `insert into ${s}.deal_products
       select d, p, 1 + (d * 7 + length(p)) % 20, 10 + (d * 13 + length(p) * 31) % 990
         from generate_series(1, least(${deals}, 10000)) d,
              unnest(array['Licence', 'Support', 'Training']) with ordinality as products(p, n)
        where n <= 1 + d % 2
          and not exists (select 1 from ${s}.deal_products)`,
    // A view (no primary key): each account's deals in total.
    `create or replace view ${s}.account_totals as
       select a.id as account_id, a.name, count(d.id) as deal_count,
              coalesce(sum(d.amount), 0) as total_amount
         from ${s}.accounts a left join ${s}.deals d on d.account_id = a.id
        group by a.id, a.name`,
    `analyze ${s}.accounts`,
    `analyze ${s}.contacts`,
    `analyze ${s}.deals`,
    `analyze ${s}.deal_products`,
  ];
}
