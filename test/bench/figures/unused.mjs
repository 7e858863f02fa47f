// The unused-token sweep (SPEC 12, 14): the expiry job's sweep revoking 1,000 unused tokens
// among 1,000,000 against the same 1,000 among 10,000, driven through the app's own
// ExpirySweep in a Nest application context (clock fixed). Its statements start from the
// partial index access_token_unused_index, so the two should cost about the same.
import { vacuum } from '../lib/database.mjs';
import { createTenant, createUsers } from '../lib/fixtures.mjs';
import { median } from '../lib/http.mjs';

const TABLES = ['access_token', 'history_event', 'token_notice', 'mail_outbox', 'token_policy'];
/** The policy of the figure's tenant: revoke after 90 days, warn 7 and 1 days before. */
const DAYS = 90;

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

/**
 * `count` tokens of the tenant's users (round robin), minted 200 days before `now`. The
 * first `due` were last used 100 days before `now` (past the 90 days: the sweep revokes
 * them); the others within the last 60 days (neither due nor inside the 7-day warning
 * stretch). Digests are SHA-256 of `${batch}-${i}`.
 */
async function insertUsedTokens(pool, { tenantId, batch, count, due, now }) {
  await pool.query(
    `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, last_used_at)
     select gen_random_uuid(), $2::timestamptz - interval '200 days', $2::timestamptz - interval '200 days', $1,
            u.ids[1 + i % u.n], $3 || '-' || i, encode(sha256(convert_to($3 || '-' || i, 'UTF8')), 'hex'),
            case when i < $5 then $2::timestamptz - interval '100 days' - (i % 1000) * interval '1 minute'
                 else $2::timestamptz - (i % 60) * interval '1 day' - (i % 1440) * interval '1 minute' end
       from generate_series(0, $4::int - 1) i,
            (select array_agg(id order by username) as ids, count(*)::int as n from app_user where tenant_id = $1) u`,
    [tenantId, now, batch, count, due],
  );
}

/** Puts the revoked tokens back as active, and removes what the sweep wrote. */
async function resetTenant(pool, tenantId) {
  await pool.query(
    `update access_token set revoked_at = null, revoke_reason = null where tenant_id = $1 and revoked_at is not null`,
    [tenantId],
  );
  await pool.query(`delete from history_event where tenant_id = $1`, [tenantId]);
  await pool.query(`delete from token_notice where tenant_id = $1`, [tenantId]);
  await pool.query(`delete from mail_outbox where tenant_id = $1`, [tenantId]);
}

export async function unusedFigure(ctx, nest) {
  const { db, sizes, now } = ctx;
  const due = sizes.sweepDue;
  const tenantId = await createTenant(db.pool, 'Bench unused', now);
  await createUsers(db.pool, {
    tenantId,
    prefix: 'bench-unused-',
    count: 1000,
    passwordHash: ctx.passwordHash,
    now,
  });
  await db.pool.query(
    `insert into token_policy (id, created_at, updated_at, tenant_id, mode, lifetime_days, notify_days_before, revoke_unused_after_days)
     values (gen_random_uuid(), $2, $2, $1, 'none', null, '[7, 1]'::jsonb, $3)`,
    [tenantId, now, DAYS],
  );
  const measure = async (total) => {
    const times = [];
    for (let i = 0; i < sizes.sweepRepeats; i++) {
      await vacuum(db.pool, TABLES);
      const { ms, result } = await timed(() => nest.sweep.run(now));
      if (!result.ran || result.unused !== due || result.emails !== Math.min(due, 1000)) {
        throw new Error(
          `unused sweep among ${total}: expected ${due} revoked, got ${JSON.stringify(result)}`,
        );
      }
      times.push(ms);
      await resetTenant(db.pool, tenantId);
    }
    return times;
  };
  try {
    await insertUsedTokens(db.pool, {
      tenantId,
      batch: 'unused-a',
      count: sizes.sweepSmall,
      due,
      now,
    });
    const small = await measure(sizes.sweepSmall);
    const load = await timed(() =>
      insertUsedTokens(db.pool, {
        tenantId,
        batch: 'unused-b',
        count: sizes.sweepLarge - sizes.sweepSmall,
        due: 0,
        now,
      }),
    );
    const large = await measure(sizes.sweepLarge);
    const { rows } = await db.pool.query(
      'select count(*)::int as n from access_token where tenant_id = $1',
      [tenantId],
    );
    if (rows[0].n !== sizes.sweepLarge)
      throw new Error(`expected ${sizes.sweepLarge} tokens, found ${rows[0].n}`);
    const s = median(small);
    const l = median(large);
    const list = (times) => times.map((t) => t.toFixed(0)).join('/');
    ctx.record({
      id: 'unused',
      title: `Unused-token sweep, ${due.toLocaleString('en-US')} due among ${sizes.sweepLarge.toLocaleString('en-US')} tokens`,
      value: l,
      unit: 'ms',
      baseline: s,
      baselineUnit: 'ms',
      baselineLabel: `${due.toLocaleString('en-US')} due among ${sizes.sweepSmall.toLocaleString('en-US')}`,
      ratio: l / s,
      target: { op: '<=', value: 2, text: '≤ 2×' },
      detail:
        `ExpirySweep.run (the job's sweep: ${due.toLocaleString('en-US')} tokens unused for over ${DAYS} days revoked with reason unused, ` +
        `one token.revoked event and one notice each, emails queued for ${Math.min(due, 1000).toLocaleString('en-US')} owners; the other statements find nothing due) ` +
        `in a Nest context of the built app; median of ${sizes.sweepRepeats} runs each, state restored and tables vacuumed between runs ` +
        `(among ${sizes.sweepSmall.toLocaleString('en-US')}: ${list(small)} ms; among ${sizes.sweepLarge.toLocaleString('en-US')}: ${list(large)} ms); ` +
        `the other ${(sizes.sweepLarge - sizes.sweepSmall).toLocaleString('en-US')} tokens (last used within 60 days) were inserted in one statement in ${(load.ms / 1000).toFixed(1)} s`,
      whyMissed: ctx.explain.unused?.({ s, l }),
    });
  } finally {
    // Leave the table as the other figures expect it: none of these tokens, no policy.
    await db.pool.query(`delete from token_policy where tenant_id = $1`, [tenantId]);
    await resetTenant(db.pool, tenantId);
    await db.pool.query(`delete from access_token where tenant_id = $1`, [tenantId]);
    await vacuum(db.pool, TABLES);
  }
}
