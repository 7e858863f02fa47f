// Minting under contention: many users each fire parallel POST /api/tokens at once. The
// 5-active limit is enforced under a row lock per owner, so exactly 5 of each user's
// requests may succeed; the invariant is checked in the database afterwards.
import { ApiSession, median } from '../lib/http.mjs';

export async function mintFigure(ctx) {
  const { app, sizes, db } = ctx;
  const users = [];
  for (let i = 1; i <= sizes.mintUsers; i++) {
    const session = new ApiSession(app.baseUrl);
    await session.login(`bench-mint-${String(i).padStart(5, '0')}`, ctx.password);
    users.push(session);
  }
  const check = async () => {
    const { rows } = await db.pool.query(
      `select coalesce(max(n), 0)::int as max, count(*) filter (where n = 5)::int as full_users
         from (select owner_id, count(*) as n from access_token
                where tenant_id = $1 and revoked_at is null and (expires_at is null or expires_at > now())
                group by owner_id) a`,
      [ctx.mintTenantId],
    );
    // Free every slot for the next round (as "revoke all" would).
    await db.pool.query(
      `update access_token set revoked_at = now(), revoke_reason = 'revoke_all' where tenant_id = $1 and revoked_at is null`,
      [ctx.mintTenantId],
    );
    return rows[0];
  };
  const summarise = async (answers, seconds) => {
    const created = answers.filter((a) => a.status === 201).length;
    const limited = answers.filter(
      (a) => a.status === 409 && a.body?.code === 'active_token_limit',
    ).length;
    const other = answers.length - created - limited;
    if (other)
      throw new Error(
        `minting: ${other} answers were neither 201 nor 409 active_token_limit (e.g. ${answers.find((a) => a.status !== 201 && a.status !== 409)?.text})`,
      );
    const { max, full_users: fullUsers } = await check();
    return { seconds, requests: answers.length, created, limited, maxActive: max, fullUsers };
  };
  const label = (round, u, k) => `mint ${round}-${u}-${k}`;

  // Baseline: the same requests one at a time (no contention at all).
  const t0 = performance.now();
  const sequentialAnswers = [];
  for (const [u, session] of users.entries()) {
    for (let k = 0; k < sizes.mintParallel; k++)
      sequentialAnswers.push(
        await session.request('POST', '/api/tokens', { label: label('s', u, k) }),
      );
  }
  const sequential = await summarise(sequentialAnswers, (performance.now() - t0) / 1000);

  const rounds = [];
  for (let round = 0; round < sizes.mintRounds; round++) {
    const started = performance.now();
    const answers = await Promise.all(
      users.flatMap((session, u) =>
        Array.from({ length: sizes.mintParallel }, (_, k) =>
          session.request('POST', '/api/tokens', { label: label(round, u, k) }),
        ),
      ),
    );
    rounds.push(await summarise(answers, (performance.now() - started) / 1000));
  }
  const rate = median(rounds.map((r) => r.requests / r.seconds));
  const baseRate = sequential.requests / sequential.seconds;
  const all = [sequential, ...rounds];
  const maxActive = Math.max(...all.map((r) => r.maxActive));
  const exact = all.every(
    (r) => r.created === 5 * sizes.mintUsers && r.fullUsers === sizes.mintUsers,
  );
  ctx.record({
    id: 'mint',
    title: `Minting, ${sizes.mintUsers} users × ${sizes.mintParallel} parallel mints`,
    value: rate,
    unit: 'requests/s',
    baseline: baseRate,
    baselineUnit: 'requests/s',
    baselineLabel: 'the same requests one at a time',
    ratio: rate / baseRate,
    ratioText: `ratio ${(rate / baseRate).toFixed(2)}; max active per user ${maxActive}`,
    target: { op: '<=', value: 5, text: 'never more than 5 active' },
    ratioForTarget: maxActive,
    detail:
      `${sizes.mintUsers * sizes.mintParallel} POST /api/tokens at once (${sizes.mintParallel} per signed-in user, each user's serialised by a row lock), ` +
      `${rounds.length} round(s), median throughput; ` +
      rounds
        .map(
          (r) =>
            `${r.created} created + ${r.limited} refused (409 active_token_limit) in ${r.seconds.toFixed(2)} s`,
        )
        .join('; ') +
      `; one at a time: ${sequential.created} + ${sequential.limited} in ${sequential.seconds.toFixed(2)} s; ` +
      `counted in the database after each round: at most ${maxActive} active per user, ${exact ? 'every user exactly 5' : 'NOT every user exactly 5'}`,
    whyMissed: `A user ended with ${maxActive} active tokens: the 5-active limit was not serialised per owner.`,
  });
}
