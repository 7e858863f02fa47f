// Bulk data of the benchmark, written set-based in SQL (generate_series), never row by row
// through the API: users, access tokens and the demo deals.

/** A tenant created directly in SQL; returns its id. */
export async function createTenant(pool, name, now) {
  const { rows } = await pool.query(
    `insert into tenant (id, created_at, updated_at, name, slug)
     values (gen_random_uuid(), $2, $2, $1, 'bench-' || substr(md5(random()::text), 1, 12)) returning id`,
    [name, now],
  );
  return rows[0].id;
}

/**
 * `count` active users of a tenant, named `${prefix}00001`…, all with the same password
 * hash (copied from a user made through the CLI, so they can sign in).
 */
export async function createUsers(pool, { tenantId, prefix, count, passwordHash, now }) {
  await pool.query(
    `insert into app_user (id, created_at, updated_at, tenant_id, username, email, display_name, role, status, time_zone, password_hash)
     select gen_random_uuid(), $2, $2, $1, $3 || lpad(i::text, 5, '0'), $3 || lpad(i::text, 5, '0') || '@bench.example',
            'Bench user ' || i, 'user', 'active', 'UTC', $4
       from generate_series(1, $5::int) i`,
    [tenantId, now, prefix, passwordHash, count],
  );
}

/**
 * `count` access tokens of a tenant's users (round robin over them), made 10 days before
 * `now`. The first `due` expired an hour before `now` (the sweep's work); the others expire
 * 30 to 329 days after `now`, with their next notice 7 days before that. Digests are
 * SHA-256 of `${batch}-${i}`, unique per batch name.
 */
export async function insertTokens(pool, { tenantId, batch, count, due, now }) {
  await pool.query(
    `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, expires_at, next_notice_at)
     select gen_random_uuid(), $2::timestamptz - interval '10 days', $2::timestamptz - interval '10 days', $1,
            u.ids[1 + i % u.n], $3 || '-' || i, encode(sha256(convert_to($3 || '-' || i, 'UTF8')), 'hex'),
            case when i < $5 then $2::timestamptz - interval '1 hour' else $2::timestamptz + (30 + i % 300) * interval '1 day' end,
            case when i < $5 then $2::timestamptz - interval '1 hour' else $2::timestamptz + (23 + i % 300) * interval '1 day' end
       from generate_series(0, $4::int - 1) i,
            (select array_agg(id order by username) as ids, count(*)::int as n from app_user where tenant_id = $1) u`,
    [tenantId, now, batch, count, due],
  );
}

/**
 * Puts a tenant's tokens back as they were before a sweep: not expired, next notice at
 * their expiry for those already past it, and nothing the sweep wrote (events, notices,
 * emails) left behind.
 */
export async function resetTenantExpiry(pool, tenantId) {
  await pool.query(
    `update access_token set expired_at = null, next_notice_at = expires_at where tenant_id = $1 and expired_at is not null`,
    [tenantId],
  );
  await pool.query(`delete from history_event where tenant_id = $1`, [tenantId]);
  await pool.query(`delete from token_notice where tenant_id = $1`, [tenantId]);
  await pool.query(`delete from mail_outbox where tenant_id = $1`, [tenantId]);
}
