// The unused-token sweep (SPEC 12, 14): the expiry job's sweep revoking 1,000 unused tokens
// among 1,000,000 against the same 1,000 among 10,000, driven through the app's own
// ExpirySweep in a Nest application context (clock fixed). Both runs also hold the same
// already-warned tokens inside the 7-day warning stretch, which the warning statement reads
// again at every run. Its statements start from the partial index access_token_unused_index,
// so the two should cost about the same.
import { vacuum } from '../lib/database.mjs';
import { createTenant, createUsers } from '../lib/fixtures.mjs';
import { median, timed } from '../lib/http.mjs';

const TABLES = ['access_token', 'history_event', 'token_notice', 'mail_outbox', 'token_policy'];
/** The policy of the figure's tenant: revoke after 90 days, warn 7 and 1 days before. */
const DAYS = 90;

/**
 * `count` tokens of the tenant's users (round robin), minted 200 days before `now`. The
 * first `due` were last used 100 days before `now` (past the 90 days: the sweep revokes
 * them); the next `warned` 84 to 89 days before (inside the 7-day warning stretch, not yet
 * at the 1-day threshold), each with the 7-day warning it already got, in an email sent
 * then; the others within the last 60 days (neither due nor inside the warning stretch).
 * Digests are SHA-256 of `${batch}-${i}`.
 */
async function insertUsedTokens(pool, { tenantId, batch, count, due, warned, now }) {
  await pool.query(
    `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, last_used_at)
     select gen_random_uuid(), $2::timestamptz - interval '200 days', $2::timestamptz - interval '200 days', $1,
            u.ids[1 + i % u.n], $3 || '-' || i, encode(sha256(convert_to($3 || '-' || i, 'UTF8')), 'hex'),
            case when i < $5 then $2::timestamptz - interval '100 days' - (i % 1000) * interval '1 minute'
                 when i < $5 + $6 then $2::timestamptz - interval '84 days' - ((i - $5) % 7200) * interval '1 minute'
                 else $2::timestamptz - (i % 60) * interval '1 day' - (i % 1440) * interval '1 minute' end
       from generate_series(0, $4::int - 1) i,
            (select array_agg(id order by username) as ids, count(*)::int as n from app_user where tenant_id = $1) u`,
    [tenantId, now, batch, count, due, warned],
  );
  if (!warned) return;
  // The warnings as the sweep queued them when they fell due (83 days idle): the kind of
  // noticeKind.unusedBefore (its time as toISOString writes it), one sent email per owner.
  await pool.query(
    `with warned as (
       select t.id, t.owner_id, t.last_used_at, t.last_used_at + interval '83 days' as warned_at,
              md5(t.owner_id::text || $3)::uuid as outbox_id
         from access_token t
        where t.tenant_id = $1 and t.label like $3 || '-%'
          and t.last_used_at > $2::timestamptz - interval '90 days'
          and t.last_used_at <= $2::timestamptz - interval '83 days'),
     notices as (
       insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at, details)
       select gen_random_uuid(), id,
              'unused-before:7:' || to_char(last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              $1, owner_id, outbox_id, warned_at,
              jsonb_build_object(
                'revokesAt', to_char((last_used_at + interval '90 days') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'lastUsedAt', to_char(last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         from warned)
     insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at, sent_at)
     select outbox_id, $1, owner_id, 'sent', 1, min(warned_at), min(warned_at), min(warned_at)
       from warned group by outbox_id, owner_id`,
    [tenantId, now, batch],
  );
}

/**
 * Puts the revoked tokens back as active, and removes what the sweep wrote (at `since` or
 * later: the warnings made before stay).
 */
async function resetTenant(pool, tenantId, since) {
  await pool.query(
    `update access_token set revoked_at = null, revoke_reason = null where tenant_id = $1 and revoked_at is not null`,
    [tenantId],
  );
  await pool.query(`delete from history_event where tenant_id = $1 and occurred_at >= $2`, [
    tenantId,
    since,
  ]);
  await pool.query(`delete from token_notice where tenant_id = $1 and created_at >= $2`, [
    tenantId,
    since,
  ]);
  await pool.query(`delete from mail_outbox where tenant_id = $1 and created_at >= $2`, [
    tenantId,
    since,
  ]);
}

export async function unusedFigure(ctx, nest) {
  const { db, sizes, now } = ctx;
  const due = sizes.sweepDue;
  // As many already-warned tokens as due ones, the same in both runs.
  const warned = sizes.sweepDue;
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
      // Only the revocations' notices: the warned tokens' warnings exist already.
      if (
        !result.ran ||
        result.unused !== due ||
        result.notices !== due ||
        result.emails !== Math.min(due, 1000)
      ) {
        throw new Error(
          `unused sweep among ${total}: expected ${due} revoked and ${due} notices, got ${JSON.stringify(result)}`,
        );
      }
      times.push(ms);
      await resetTenant(db.pool, tenantId, now);
    }
    return times;
  };
  try {
    await insertUsedTokens(db.pool, {
      tenantId,
      batch: 'unused-a',
      count: sizes.sweepSmall,
      due,
      warned,
      now,
    });
    const small = await measure(sizes.sweepSmall);
    const load = await timed(() =>
      insertUsedTokens(db.pool, {
        tenantId,
        batch: 'unused-b',
        count: sizes.sweepLarge - sizes.sweepSmall,
        due: 0,
        warned: 0,
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
        `with ${warned.toLocaleString('en-US')} more tokens in both runs idle 84–89 days that already got their 7-day warning (the warning statement reads them again and queues nothing) ` +
        `in a Nest context of the built app; median of ${sizes.sweepRepeats} runs each, state restored and tables vacuumed between runs ` +
        `(among ${sizes.sweepSmall.toLocaleString('en-US')}: ${list(small)} ms; among ${sizes.sweepLarge.toLocaleString('en-US')}: ${list(large)} ms); ` +
        `the other ${(sizes.sweepLarge - sizes.sweepSmall).toLocaleString('en-US')} tokens (last used within 60 days) were inserted in one statement in ${(load.ms / 1000).toFixed(1)} s`,
      whyMissed: ctx.explain.unused?.({ s, l }),
    });
  } finally {
    // Leave the table as the other figures expect it: none of these tokens, no policy.
    await db.pool.query(`delete from token_policy where tenant_id = $1`, [tenantId]);
    await resetTenant(db.pool, tenantId, '-infinity');
    await db.pool.query(`delete from access_token where tenant_id = $1`, [tenantId]);
    await vacuum(db.pool, TABLES);
  }
}
