import type { CreatedToken, TokenList } from '@feedpass/contracts';
import type { ApiClient, ApiResponse } from '../setup/api-client';
import { expectApiError, signIn, sql } from '../setup/e2e-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';
import { countWhere, mint } from '../setup/token-helpers';

/** The 5-active limit holds under concurrency (SPEC 2; issue 3, item 2). */
describe('the 5-active limit under concurrency', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  const clients: Record<string, ApiClient> = {};

  beforeAll(async () => {
    test = await startTestApp();
    ({ users } = await seedTenant(test, 'Acme', [
      { username: 'ursula' },
      { username: 'victor' },
      { username: 'wendy' },
      { username: 'xavier' },
    ]));
    await Promise.all(
      Object.keys(users).map(async (u) => (clients[u] = await signIn(test, u, TEST_PASSWORD))),
    );
  });
  afterAll(() => test.close());

  const activeRows = (userId: string) =>
    countWhere(
      test,
      'access_token',
      'owner_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)',
      [userId, test.clock.now()],
    );
  const createdEvents = (userId: string) =>
    countWhere(test, 'history_event', `type = 'token.created' and subject_user_id = ?`, [userId]);

  const tally = (responses: ApiResponse[]) => {
    const counts: Record<string, number> = {};
    for (const r of responses) {
      const key = `${r.status} ${(r.body as { code?: string }).code ?? ''}`.trim();
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  it('50 simultaneous mints from a user with no tokens → exactly 5 × 201 and 45 × 409 active_token_limit', async () => {
    const client = clients.ursula;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.post<CreatedToken>('/api/tokens', { label: `race ${i}` }),
      ),
    );

    expect(tally(responses)).toEqual({ '201': 5, '409 active_token_limit': 45 });
    for (const r of responses.filter((r) => r.status === 409))
      expectApiError(r, 409, 'active_token_limit');
    expect(await activeRows(users.ursula.id)).toBe(5);
    expect(await countWhere(test, 'access_token', 'owner_id = ?', [users.ursula.id])).toBe(5);
    expect(await createdEvents(users.ursula.id)).toBe(5);
    const minted = responses
      .filter((r) => r.status === 201)
      .map((r) => (r.body as CreatedToken).token.id);
    const events = await sql<{ token_id: string }>(
      test,
      `select token_id from history_event where type = 'token.created' and subject_user_id = ?`,
      [users.ursula.id],
    );
    expect(events.map((e) => e.token_id).sort()).toEqual([...minted].sort());
    const list = await client.get<TokenList>('/api/tokens');
    expect(list.body.activeCount).toBe(5);
    expect(
      new Set(responses.filter((r) => r.status === 201).map((r) => (r.body as CreatedToken).value))
        .size,
    ).toBe(5);
  });

  it('two users racing at once each get exactly 5: the lock is per user, not a global refusal', async () => {
    const burst = (client: ApiClient) =>
      Array.from({ length: 20 }, (_, i) => client.post('/api/tokens', { label: `burst ${i}` }));
    const [v, w] = await Promise.all([
      Promise.all(burst(clients.victor)),
      Promise.all(burst(clients.wendy)),
    ]);

    expect(tally(v)).toEqual({ '201': 5, '409 active_token_limit': 15 });
    expect(tally(w)).toEqual({ '201': 5, '409 active_token_limit': 15 });
    expect(await activeRows(users.victor.id)).toBe(5);
    expect(await activeRows(users.wendy.id)).toBe(5);
  });

  it('at 3 active, 20 simultaneous mints → exactly 2 succeed', async () => {
    const client = clients.xavier;
    for (let i = 0; i < 3; i++) await mint(client, `pre ${i}`);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.post('/api/tokens', { label: `top-up ${i}` })),
    );

    expect(tally(responses)).toEqual({ '201': 2, '409 active_token_limit': 18 });
    expect(await activeRows(users.xavier.id)).toBe(5);
  });

  it('rotating every token at 5 active while mints race: all rotations succeed, every mint is refused, 5 stay active', async () => {
    const client = clients.xavier;
    const list = await client.get<TokenList>('/api/tokens');
    const active = list.body.items.filter((t) => t.status === 'active');
    expect(active).toHaveLength(5);

    const rotations = active.map((t) => client.post(`/api/tokens/${t.id}/rotate`));
    const mints = Array.from({ length: 10 }, (_, i) =>
      client.post('/api/tokens', { label: `sneak ${i}` }),
    );
    const [rotated, minted] = await Promise.all([Promise.all(rotations), Promise.all(mints)]);

    expect(tally(rotated)).toEqual({ '201': 5 });
    expect(tally(minted)).toEqual({ '409 active_token_limit': 10 });
    expect(await activeRows(users.xavier.id)).toBe(5);
  });

  it('the same token rotated 10 times at once → exactly one replacement, the other attempts 409 token_not_rotatable', async () => {
    const client = clients.victor;
    const list = await client.get<TokenList>('/api/tokens');
    const target = list.body.items.find((t) => t.status === 'active')!;

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => client.post(`/api/tokens/${target.id}/rotate`)),
    );

    expect(tally(responses)).toEqual({ '201': 1, '409 token_not_rotatable': 9 });
    expect(await countWhere(test, 'access_token', 'rotated_from = ?', [target.id])).toBe(1);
    expect(
      await countWhere(test, 'history_event', `type = 'token.revoked' and token_id = ?`, [
        target.id,
      ]),
    ).toBe(1);
    expect(await activeRows(users.victor.id)).toBe(5);
  });
});
