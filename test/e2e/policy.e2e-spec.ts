import type {
  CreatedToken,
  HistoryPage,
  Policy,
  PolicyUpdateResult,
  RotatedToken,
  TokenList,
  UpdatePolicyRequest,
} from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { DAY, expectApiError, HOUR, MINUTE } from '../setup/e2e-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import {
  countWhere,
  isoIn,
  LONG_SESSIONS,
  mint,
  put,
  setPolicy,
  tokenEvents,
  writeCounts,
} from '../setup/token-helpers';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const NONE: UpdatePolicyRequest = { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1] };

describe('tenant expiry policy (SPEC 3, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let alice: ApiClient; // admin of Acme
  let bob: ApiClient;
  let carol: ApiClient;
  let gina: ApiClient; // admin of Globex
  let hank: ApiClient;

  beforeAll(async () => {
    test = await startTestApp(LONG_SESSIONS);
    ({
      users,
      clients: { alice, bob, carol, gina, hank },
    } = await seedAcmeAndGlobex(test));
  });
  afterAll(() => test.close());

  const getPolicy = async (client: ApiClient) => {
    const res = await client.get<Policy>('/api/policy');
    expect(res.status).toBe(200);
    return res.body;
  };
  const policyEvents = () => countWhere(test, 'history_event', `type = 'policy.changed'`);
  const expiryOf = async (client: ApiClient, id: string) =>
    (await client.get<TokenList>('/api/tokens')).body.items.find((t) => t.id === id)?.expiresAt;

  describe('GET /api/policy', () => {
    it('a new tenant has the default: mode none, no lifetime, notices 7 and 1 days before, changed by nobody', async () => {
      for (const client of [bob, alice, hank]) {
        expect(await getPolicy(client)).toEqual<Policy>({
          mode: 'none',
          lifetimeDays: null,
          notifyDaysBefore: [7, 1],
          revokeUnusedAfterDays: null,
          updatedAt: expect.stringMatching(ISO),
          updatedBy: null,
        });
      }
    });

    it('needs a session: 401 unauthenticated', async () => {
      expectApiError(await new ApiClient(test.baseUrl).get('/api/policy'), 401, 'unauthenticated');
    });
  });

  describe('PUT /api/admin/policy', () => {
    afterEach(() => setPolicy(alice, NONE));

    it('an admin sets it: 200 Policy (notice days largest first, updatedBy the admin), every user of the tenant sees it, another tenant does not', async () => {
      const res = await put<PolicyUpdateResult>(alice, '/api/admin/policy', {
        mode: 'max',
        lifetimeDays: 90,
        notifyDaysBefore: [1, 30, 7],
      });

      const expected: Policy = {
        mode: 'max',
        lifetimeDays: 90,
        notifyDaysBefore: [30, 7, 1],
        revokeUnusedAfterDays: null,
        updatedAt: expect.stringMatching(ISO),
        updatedBy: { id: users.alice.id, username: 'alice', displayName: 'alice' },
      };
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...expected, shortenedTokens: 0 });
      expect(await getPolicy(bob)).toEqual(expected);
      expect((await getPolicy(hank)).mode).toBe('none');
      expect((await getPolicy(gina)).updatedBy).toBeNull();
    });

    it('records policy.changed with the admin as actor and what changed from what to what', async () => {
      await setPolicy(alice, { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [14] });
      await setPolicy(alice, { mode: 'max', lifetimeDays: 60, notifyDaysBefore: [] });

      const res = await alice.get<HistoryPage>('/api/admin/history?type=policy.changed&limit=2');
      expect(res.status).toBe(200);
      const [latest, previous] = res.body.items;
      expect(latest).toMatchObject({
        type: 'policy.changed',
        actor: { id: users.alice.id, username: 'alice' },
        details: {
          from: { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [14] },
          to: { mode: 'max', lifetimeDays: 60, notifyDaysBefore: [] },
        },
      });
      expect(previous.details).toMatchObject({
        from: { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1] },
        to: { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [14] },
      });
      const globex = await gina.get<HistoryPage>('/api/admin/history?type=policy.changed');
      expect(globex.body.items).toEqual([]);
    });

    it.each<[string, UpdatePolicyRequest]>([
      ['the smallest lifetime (1 day)', { mode: 'fixed', lifetimeDays: 1, notifyDaysBefore: [1] }],
      [
        'the largest lifetime (3650 days)',
        { mode: 'max', lifetimeDays: 3650, notifyDaysBefore: [90] },
      ],
      ['no notices at all', { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [] }],
      [
        'five notice days',
        { mode: 'max', lifetimeDays: 365, notifyDaysBefore: [90, 30, 14, 7, 1] },
      ],
      ['mode none with applyToExisting false', { ...NONE, applyToExisting: false }],
    ])('accepts %s', async (_name, policy) => {
      const res = await put<PolicyUpdateResult>(alice, '/api/admin/policy', policy);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        mode: policy.mode,
        lifetimeDays: policy.lifetimeDays,
        notifyDaysBefore: policy.notifyDaysBefore,
      });
    });

    const fixed = { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [7, 1] };
    it.each<[string, Record<string, unknown>]>([
      ['lifetimeDays 0', { ...fixed, lifetimeDays: 0 }],
      ['lifetimeDays 3651', { ...fixed, lifetimeDays: 3651 }],
      ['lifetimeDays -5', { ...fixed, lifetimeDays: -5 }],
      ['a fractional lifetimeDays', { ...fixed, lifetimeDays: 1.5 }],
      ['lifetimeDays as a string', { ...fixed, lifetimeDays: '30' }],
      ['no lifetimeDays for fixed', { mode: 'fixed', notifyDaysBefore: [7] }],
      ['lifetimeDays null for max', { ...fixed, mode: 'max', lifetimeDays: null }],
      ['a lifetimeDays for mode none', { ...NONE, lifetimeDays: 30 }],
      ['six notice days', { ...fixed, notifyDaysBefore: [1, 2, 3, 4, 5, 6] }],
      ['duplicate notice days', { ...fixed, notifyDaysBefore: [7, 7] }],
      ['a notice day of 0', { ...fixed, notifyDaysBefore: [0] }],
      ['a notice day of 91', { ...fixed, notifyDaysBefore: [91] }],
      ['a fractional notice day', { ...fixed, notifyDaysBefore: [1.5] }],
      ['notice days as a string', { ...fixed, notifyDaysBefore: '7,1' }],
      ['a notice day as a string', { ...fixed, notifyDaysBefore: ['7'] }],
      ['no notice days', { mode: 'fixed', lifetimeDays: 30 }],
      ['an unknown mode', { ...fixed, mode: 'weekly' }],
      ['no mode', { lifetimeDays: 30, notifyDaysBefore: [7] }],
      ['an empty body', {}],
      ['applyToExisting with mode none', { ...NONE, applyToExisting: true }],
      ['applyToExisting not a boolean', { ...fixed, applyToExisting: 'yes' }],
    ])('rejects %s with 400 invalid_policy and changes nothing', async (_name, body) => {
      await setPolicy(alice, { mode: 'max', lifetimeDays: 45, notifyDaysBefore: [3] });
      const before = await getPolicy(bob);
      const events = await policyEvents();

      expectApiError(await put(alice, '/api/admin/policy', body), 400, 'invalid_policy');

      expect(await getPolicy(bob)).toEqual(before);
      expect(await policyEvents()).toBe(events);
    });

    it('rejects an unknown field with 400 validation_failed naming it', async () => {
      const events = await policyEvents();

      const error = expectApiError(
        await put(alice, '/api/admin/policy', { ...NONE, graceDays: 3 }),
        400,
        'validation_failed',
      );

      expect(error.message).toMatch(/graceDays/);
      expect(await policyEvents()).toBe(events);
    });

    it('a non-admin gets 403 forbidden and changes nothing', async () => {
      const before = await getPolicy(bob);
      const events = await policyEvents();

      expectApiError(
        await put(bob, '/api/admin/policy', {
          mode: 'fixed',
          lifetimeDays: 1,
          notifyDaysBefore: [],
        }),
        403,
        'forbidden',
      );

      expect(await getPolicy(bob)).toEqual(before);
      expect(await policyEvents()).toBe(events);
    });

    it('ten simultaneous changes on a tenant without a policy row: all succeed, one policy, ten events', async () => {
      const events = await policyEvents();

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          put(gina, '/api/admin/policy', {
            mode: 'max',
            lifetimeDays: i + 1,
            notifyDaysBefore: [],
          }),
        ),
      );

      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(await countWhere(test, 'token_policy', 'tenant_id = ?', [users.gina.tenantId])).toBe(
        1,
      );
      expect(await policyEvents()).toBe(events + 10);
      const final = await getPolicy(hank);
      expect(responses.map((r) => (r.body as PolicyUpdateResult).lifetimeDays)).toContain(
        final.lifetimeDays,
      );
      await setPolicy(gina, NONE);
    });

    it('nobody signed in gets 401 unauthenticated', async () => {
      const anonymous = new ApiClient(test.baseUrl);
      await anonymous.primeXsrf();
      expectApiError(await put(anonymous, '/api/admin/policy', NONE), 401, 'unauthenticated');
    });
  });

  describe('minting under each mode', () => {
    beforeEach(async () => {
      test.clock.advance(MINUTE);
      await bob.post('/api/tokens/revoke-all');
    });
    afterAll(() => setPolicy(alice, NONE));

    const mintRes = (body: Record<string, unknown>) =>
      bob.post<CreatedToken>('/api/tokens', { label: 'policy test', ...body });

    describe('fixed (30 days)', () => {
      beforeEach(() =>
        setPolicy(alice, { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [7, 1] }),
      );

      it('every token expires exactly 30 days after it is minted', async () => {
        const res = await mintRes({});
        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(isoIn(test, 30 * DAY));
      });

      it.each([
        ['a date within the lifetime', () => isoIn(test, 10 * DAY)],
        ['exactly the lifetime', () => isoIn(test, 30 * DAY)],
        ['null (no expiry)', () => null],
      ])('sending %s → 400 expiry_not_allowed, nothing written', async (_name, value) => {
        const before = await writeCounts(test);
        expectApiError(await mintRes({ expiresAt: value() }), 400, 'expiry_not_allowed');
        expect(await writeCounts(test)).toEqual(before);
      });
    });

    describe('max (30 days)', () => {
      beforeEach(() =>
        setPolicy(alice, { mode: 'max', lifetimeDays: 30, notifyDaysBefore: [7, 1] }),
      );

      it('the default is the maximum: now + 30 days', async () => {
        const res = await mintRes({});
        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(isoIn(test, 30 * DAY));
      });

      it.each([
        ['10 days ahead', 10 * DAY],
        ['1 minute ahead', MINUTE],
        ['exactly 30 days ahead', 30 * DAY],
      ])('accepts an expiry %s, exactly as asked', async (_name, ms) => {
        const expiresAt = isoIn(test, ms);
        const res = await mintRes({ expiresAt });
        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(expiresAt);
      });

      it('accepts an expiry written with a time-zone offset', async () => {
        const target = new Date(test.clock.now().getTime() + 5 * DAY);
        target.setUTCMilliseconds(0);
        const local = new Date(target.getTime() + 2 * HOUR).toISOString().slice(0, 19) + '+02:00';
        const res = await mintRes({ expiresAt: local });
        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(target.toISOString());
      });

      it('"no expiry" → 400 expiry_required, nothing written', async () => {
        const before = await writeCounts(test);
        expectApiError(await mintRes({ expiresAt: null }), 400, 'expiry_required');
        expect(await writeCounts(test)).toEqual(before);
      });

      it.each([
        ['one second beyond the limit', 30 * DAY + 1000],
        ['a year ahead', 365 * DAY],
        ['in the past', -DAY],
        ['right now', 0],
      ])('an expiry %s → 400 expiry_out_of_range, nothing written', async (_name, ms) => {
        const before = await writeCounts(test);
        expectApiError(await mintRes({ expiresAt: isoIn(test, ms) }), 400, 'expiry_out_of_range');
        expect(await writeCounts(test)).toEqual(before);
      });
    });

    describe('none', () => {
      beforeEach(() => setPolicy(alice, NONE));

      it('no expiry (null or left out) → a token that never expires', async () => {
        for (const body of [{ expiresAt: null }, {}]) {
          const res = await mintRes(body);
          expect(res.status).toBe(201);
          expect(res.body.token.expiresAt).toBeNull();
        }
      });

      it('a future date is kept exactly', async () => {
        const expiresAt = isoIn(test, 400 * DAY);
        const res = await mintRes({ expiresAt });
        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(expiresAt);
      });

      it('a past date → 400 expiry_out_of_range, nothing written', async () => {
        const before = await writeCounts(test);
        expectApiError(
          await mintRes({ expiresAt: isoIn(test, -MINUTE) }),
          400,
          'expiry_out_of_range',
        );
        expect(await writeCounts(test)).toEqual(before);
      });
    });

    it('a policy change applies to tokens minted after it: an existing token keeps its expiry', async () => {
      await setPolicy(alice, NONE);
      const { token } = await mint(bob, 'before the change');

      await setPolicy(alice, { mode: 'fixed', lifetimeDays: 7, notifyDaysBefore: [1] });

      expect(await expiryOf(bob, token.id)).toBeNull();
      expect((await mint(bob, 'after the change')).token.expiresAt).toBe(isoIn(test, 7 * DAY));
    });

    it.each<['fixed' | 'max']>([['fixed'], ['max']])(
      'rotation under %s gives the replacement a fresh now + lifetimeDays',
      async (mode) => {
        await setPolicy(alice, { mode, lifetimeDays: 30, notifyDaysBefore: [7] });
        const old = await mint(bob, `rotate under ${mode}`);
        test.clock.advance(3 * DAY); // (sessions stay valid for 7 idle days in this spec)

        const res = await bob.post<RotatedToken>(`/api/tokens/${old.token.id}/rotate`);

        expect(res.status).toBe(201);
        expect(res.body.token.expiresAt).toBe(isoIn(test, 30 * DAY));
        expect(res.body.token.label).toBe(`rotate under ${mode}`);
      },
    );

    it('rotation under none of a token without expiry gives a replacement without expiry', async () => {
      await setPolicy(alice, NONE);
      const old = await mint(bob, 'forever');

      const res = await bob.post<RotatedToken>(`/api/tokens/${old.token.id}/rotate`);

      expect(res.status).toBe(201);
      expect(res.body.token.expiresAt).toBeNull();
    });
  });

  describe('applyToExisting', () => {
    beforeEach(async () => {
      await setPolicy(alice, NONE);
      test.clock.advance(MINUTE);
      for (const client of [bob, carol, hank]) await client.post('/api/tokens/revoke-all');
    });
    afterAll(() => setPolicy(alice, NONE));

    it('shortens exactly the active tokens of the tenant that outlive now + lifetimeDays, one token.expiry_shortened each', async () => {
      const noExpiry = await mint(bob, 'no expiry');
      const far = await mint(bob, 'far', { expiresAt: isoIn(test, 100 * DAY) });
      const short = await mint(bob, 'short', { expiresAt: isoIn(test, 5 * DAY) });
      const revoked = await mint(bob, 'revoked');
      await bob.post(`/api/tokens/${revoked.token.id}/revoke`);
      const expired = await mint(bob, 'expired', { expiresAt: isoIn(test, HOUR) });
      const carols = await mint(carol, 'carol no expiry');
      const hanks = await mint(hank, 'other tenant');
      test.clock.advance(2 * HOUR);
      const limit = isoIn(test, 30 * DAY);

      const res = await put<PolicyUpdateResult>(alice, '/api/admin/policy', {
        mode: 'fixed',
        lifetimeDays: 30,
        notifyDaysBefore: [7, 1],
        applyToExisting: true,
      });

      expect(res.status).toBe(200);
      expect(res.body.shortenedTokens).toBe(3);
      expect(await expiryOf(bob, noExpiry.token.id)).toBe(limit);
      expect(await expiryOf(bob, far.token.id)).toBe(limit);
      expect(await expiryOf(carol, carols.token.id)).toBe(limit);
      expect(await expiryOf(bob, short.token.id)).toBe(short.token.expiresAt);
      expect(await expiryOf(bob, revoked.token.id)).toBeNull();
      expect(await expiryOf(bob, expired.token.id)).toBe(expired.token.expiresAt);
      expect(await expiryOf(hank, hanks.token.id)).toBeNull();

      const shortened = async (id: string) =>
        (await tokenEvents(test, id, 'token.expiry_shortened')).map((e) => ({
          actor: e.actor_id,
          subject: e.subject_user_id,
          label: e.token_label,
          details: e.details,
        }));
      expect(await shortened(noExpiry.token.id)).toEqual([
        {
          actor: users.alice.id,
          subject: users.bob.id,
          label: 'no expiry',
          details: { from: null, to: limit },
        },
      ]);
      expect(await shortened(far.token.id)).toEqual([
        {
          actor: users.alice.id,
          subject: users.bob.id,
          label: 'far',
          details: { from: far.token.expiresAt, to: limit },
        },
      ]);
      expect(await shortened(carols.token.id)).toEqual([
        {
          actor: users.alice.id,
          subject: users.carol.id,
          label: 'carol no expiry',
          details: { from: null, to: limit },
        },
      ]);
      for (const t of [short, revoked, expired, hanks])
        expect(await shortened(t.token.id)).toEqual([]);

      // The owners find it in their own history.
      const own = await bob.get<HistoryPage>('/api/history?type=token.expiry_shortened');
      expect(own.body.items.map((e) => e.token?.id).sort()).toEqual(
        [noExpiry.token.id, far.token.id].sort(),
      );
    });

    it('under max, tokens are shortened the same way (and a token already within the limit is kept)', async () => {
      const noExpiry = await mint(bob, 'max: no expiry');
      const within = await mint(bob, 'max: within', { expiresAt: isoIn(test, 20 * DAY) });
      const limit = isoIn(test, 60 * DAY);

      const res = await setPolicy(alice, {
        mode: 'max',
        lifetimeDays: 60,
        notifyDaysBefore: [7],
        applyToExisting: true,
      });

      expect(res.shortenedTokens).toBe(1);
      expect(await expiryOf(bob, noExpiry.token.id)).toBe(limit);
      expect(await expiryOf(bob, within.token.id)).toBe(within.token.expiresAt);
    });

    it('without applyToExisting nothing is shortened', async () => {
      const { token } = await mint(bob, 'untouched');
      const events = await countWhere(test, 'history_event', `type = 'token.expiry_shortened'`);

      const res = await setPolicy(alice, { mode: 'fixed', lifetimeDays: 1, notifyDaysBefore: [] });

      expect(res.shortenedTokens).toBe(0);
      expect(await expiryOf(bob, token.id)).toBeNull();
      expect(await countWhere(test, 'history_event', `type = 'token.expiry_shortened'`)).toBe(
        events,
      );
    });

    it('never lengthens: a longer lifetime applied to existing tokens leaves shorter expiries alone', async () => {
      const { token } = await mint(bob, 'seven days');
      await setPolicy(alice, {
        mode: 'fixed',
        lifetimeDays: 7,
        notifyDaysBefore: [1],
        applyToExisting: true,
      });
      const sevenDays = await expiryOf(bob, token.id);
      test.clock.advance(DAY);

      const res = await setPolicy(alice, {
        mode: 'fixed',
        lifetimeDays: 365,
        notifyDaysBefore: [1],
        applyToExisting: true,
      });

      expect(res.shortenedTokens).toBe(0);
      expect(await expiryOf(bob, token.id)).toBe(sevenDays);
      expect(await tokenEvents(test, token.id, 'token.expiry_shortened')).toHaveLength(1);
    });

    it('a token shortened to the limit becomes expired when that time comes', async () => {
      const { token } = await mint(bob, 'will expire');
      await setPolicy(alice, {
        mode: 'fixed',
        lifetimeDays: 1,
        notifyDaysBefore: [],
        applyToExisting: true,
      });

      test.clock.advance(DAY);

      const list = await bob.get<TokenList>('/api/tokens');
      expect(list.body.items.find((t) => t.id === token.id)?.status).toBe('expired');
    });
  });
});
