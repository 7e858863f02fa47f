import type {
  CurrentUser,
  SignInOptions,
  SsoSettings,
  SsoTestResult,
  TenantSignIn,
  UpdateSsoRequest,
} from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { seedAcmeAndGlobex, type AcmeAndGlobex } from '../setup/acme-globex';
import { createUser, expectApiError, sql } from '../setup/e2e-helpers';
import { freePort } from '../setup/free-port';
import { createDataSource, feedGet, feedKey, seedDemoSchema } from '../setup/odata-helpers';
import {
  browseSsoSignIn,
  startTestProvider,
  type SsoFlow,
  type TestProvider,
} from '../setup/oidc-provider';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';
import { mint } from '../setup/token-helpers';

/**
 * OpenID Connect single sign-on (issue 14 item 5; SPEC 13) against a real provider
 * (oidc-provider) on a loopback port, through the whole code flow over real HTTP.
 */
const PUBLIC_URL = 'http://127.0.0.1:3999';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/oidc/callback`;

describe('OpenID Connect single sign-on (SPEC 13)', () => {
  let test: TestApp;
  let cast: AcmeAndGlobex;
  let idp: TestProvider;
  let settings: UpdateSsoRequest;

  const put = (body: Partial<UpdateSsoRequest>) =>
    cast.clients.alice.request<SsoSettings>('PUT', '/api/admin/sso', { ...settings, ...body });

  type Flow = SsoFlow;

  /** A browser: start at the app, through the provider (its own cookie jar), back to the callback. */
  const ssoSignIn = (
    sub: string,
    options: {
      tamperAuthorize?: (url: URL) => void;
      tamperCallback?: (q: URLSearchParams) => void;
    } = {},
  ): Promise<Flow> => browseSsoSignIn(test.baseUrl, idp, REDIRECT_URI, sub, options);

  const signedIn = (flow: Flow) => {
    expect([flow.callback.status, flow.callback.headers.get('location')]).toEqual([
      302,
      `${PUBLIC_URL}/`,
    ]);
  };
  const refused = (flow: Flow, code: string) => {
    expect([flow.callback.status, flow.callback.headers.get('location')]).toEqual([
      302,
      `${PUBLIC_URL}/login?sso_error=${code}`,
    ]);
    expect(flow.client.cookies.has('fp_session')).toBe(false);
  };

  beforeAll(async () => {
    idp = await startTestProvider(REDIRECT_URI);
    test = await startTestApp({ PUBLIC_URL });
    cast = await seedAcmeAndGlobex(test);
    settings = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      displayName: 'Sign in with TestIdP',
      allowedDomains: ['example.test'],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: true,
    };
    expect((await put({})).status).toBe(200);
    delete settings.clientSecret;
  }, 60_000);
  afterAll(async () => {
    await test?.close();
    await idp?.close();
  });

  describe('the admin settings', () => {
    it('GET never returns the secret, and no table holds it in plaintext', async () => {
      const res = await cast.clients.alice.get<SsoSettings>('/api/admin/sso');
      expect(res.body).toMatchObject({
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecretSet: true,
        enabled: true,
        redirectUri: REDIRECT_URI,
      });
      expect(res.text).not.toContain(idp.clientSecret);
      const tables = await sql<{ table_name: string }>(
        test,
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      for (const { table_name } of tables) {
        const rows = await sql<{ row: string }>(
          test,
          `select t::text as row from "${table_name}" t`,
        );
        expect({ table_name, found: rows.some((r) => r.row.includes(idp.clientSecret)) }).toEqual({
          table_name,
          found: false,
        });
      }
      const [stored] = await sql<{ client_secret_encrypted: string }>(
        test,
        'select client_secret_encrypted from tenant_sso',
      );
      expect(stored.client_secret_encrypted.length).toBeGreaterThan(40);
      const [event] = await sql<{ details: unknown }>(
        test,
        "select details from history_event where type = 'sso.changed' order by seq limit 1",
      );
      expect(event.details).toMatchObject({ issuer: idp.issuer, clientSecretChanged: true });
    });

    it('refuses an http issuer that is not loopback, and enabling password-off without SSO', async () => {
      expectApiError(await put({ issuer: 'http://idp.example.com' }), 400, 'invalid_sso');
      expectApiError(await put({ issuer: 'not a url at all' }), 400, 'invalid_sso');
      expectApiError(await put({ enabled: false, passwordSignIn: false }), 400, 'invalid_sso');
      expect((await cast.clients.alice.get<SsoSettings>('/api/admin/sso')).body.issuer).toBe(
        idp.issuer,
      );
    });

    it('Test fetches the discovery document of the running provider', async () => {
      const res = await cast.clients.alice.post<SsoTestResult>('/api/admin/sso/test', {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: idp.issuer,
        authorizationEndpoint: expect.stringContaining(idp.issuer),
        tokenEndpoint: expect.stringContaining(idp.issuer),
        jwksUri: expect.stringContaining(idp.issuer),
        pkceS256: true,
      });
    });

    it('Test against a dead port is a clear 400, and password sign-in still works', async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      const res = await cast.clients.alice.post('/api/admin/sso/test', { issuer: dead });
      expectApiError(res, 400, 'sso_issuer_unreachable');
      expect(res.text).not.toContain(idp.clientSecret);
      const bob = new ApiClient(test.baseUrl);
      expect((await bob.login('bob', TEST_PASSWORD)).status).toBe(200);
    });

    it('an admin of another tenant neither reads nor changes this tenant’s SSO; a user is 403', async () => {
      const theirs = await cast.clients.gina.get<SsoSettings>('/api/admin/sso');
      expect(theirs.body).toMatchObject({ issuer: '', clientSecretSet: false, enabled: false });
      const changed = await cast.clients.gina.request<SsoSettings>('PUT', '/api/admin/sso', {
        ...settings,
        issuer: 'https://globex.example.com',
        enabled: false,
      });
      expect(changed.status).toBe(200);
      const ours = await cast.clients.alice.get<SsoSettings>('/api/admin/sso');
      expect(ours.body).toMatchObject({ issuer: idp.issuer, enabled: true, clientSecretSet: true });
      expectApiError(await cast.clients.bob.get('/api/admin/sso'), 403, 'forbidden');
    });
  });

  describe('what the sign-in page offers', () => {
    it('username first: an SSO tenant’s user sees the button; unknown and password-only users look the same', async () => {
      const anyone = new ApiClient(test.baseUrl);
      const bob = await anyone.get<SignInOptions>('/api/auth/sign-in-options?username=BOB');
      expect(bob.body).toEqual({
        password: true,
        sso: {
          tenant: 'acme',
          displayName: 'Sign in with TestIdP',
          startUrl: '/api/auth/oidc/start?tenant=acme',
        },
      });
      const unknown = await anyone.get('/api/auth/sign-in-options?username=nobody-here');
      const hank = await anyone.get('/api/auth/sign-in-options?username=hank');
      expect(unknown.text).toBe(hank.text);
      expect(unknown.body).toEqual({ password: true, sso: null });
    });

    it('/t/{slug}: the tenant’s public sign-in options; an unknown slug is 404', async () => {
      const res = await new ApiClient(test.baseUrl).get<TenantSignIn>('/api/auth/tenants/acme');
      expect(res.body).toMatchObject({
        slug: 'acme',
        name: 'Acme',
        sso: { displayName: 'Sign in with TestIdP' },
      });
      expectApiError(
        await new ApiClient(test.baseUrl).get('/api/auth/tenants/nope'),
        404,
        'not_found',
      );
      const me = await cast.clients.alice.get<CurrentUser>('/api/auth/me');
      expect(me.body.tenant.slug).toBe('acme');
    });
  });

  describe('the code flow', () => {
    it('the first sign-in links by a verified e-mail of an allowed domain; later ones match by (issuer, sub) even after an e-mail change', async () => {
      idp.accounts.set('sub-bob', { email: 'bob@example.test', email_verified: true, name: 'Bob' });
      const first = await ssoSignIn('sub-bob');
      signedIn(first);
      const me = await first.client.get<CurrentUser>('/api/auth/me');
      expect([me.status, me.body.username]).toEqual([200, 'bob']);
      const [event] = await sql<{ details: { method: string } }>(
        test,
        "select details from history_event where type = 'user.signed_in' and subject_user_id = ? order by seq desc limit 1",
        [cast.users.bob.id],
      );
      expect(event.details.method).toBe('sso');

      idp.accounts.set('sub-bob', { email: 'robert@elsewhere.test', email_verified: false });
      const again = await ssoSignIn('sub-bob');
      signedIn(again);
      expect((await again.client.get<CurrentUser>('/api/auth/me')).body.username).toBe('bob');
    });

    it('an unverified e-mail or a domain not allowed is refused', async () => {
      idp.accounts.set('sub-carol-1', { email: 'carol@example.test', email_verified: false });
      refused(await ssoSignIn('sub-carol-1'), 'sso_no_account');
      idp.accounts.set('sub-carol-2', { email: 'carol@elsewhere.test', email_verified: true });
      refused(await ssoSignIn('sub-carol-2'), 'sso_no_account');
      expect(
        await sql(
          test,
          'select 1 from user_identity i join app_user u on u.id = i.user_id where u.username = ?',
          ['carol'],
        ),
      ).toEqual([]);
    });

    it('autoCreate creates an unknown user with the default role (preferred_username when free)', async () => {
      expect((await put({ autoCreate: true, defaultRole: 'user' })).status).toBe(200);
      idp.accounts.set('sub-dora', {
        email: 'dora@example.test',
        email_verified: true,
        preferred_username: 'dora.sso',
        name: 'Dora',
      });
      const flow = await ssoSignIn('sub-dora');
      signedIn(flow);
      const me = await flow.client.get<CurrentUser>('/api/auth/me');
      expect(me.body).toMatchObject({
        username: 'dora.sso',
        role: 'user',
        email: 'dora@example.test',
        displayName: 'Dora',
      });
      expect((await put({ autoCreate: false })).status).toBe(200);
      idp.accounts.set('sub-erik', { email: 'erik@example.test', email_verified: true });
      refused(await ssoSignIn('sub-erik'), 'sso_no_account');
    });

    it('a deactivated user is refused even though the provider says yes', async () => {
      const erin = await createUser(cast.clients.alice, 'erin');
      idp.accounts.set('sub-erin', { email: erin.email, email_verified: true });
      signedIn(await ssoSignIn('sub-erin'));
      expect((await cast.clients.alice.post(`/api/admin/users/${erin.id}/deactivate`)).status).toBe(
        200,
      );
      refused(await ssoSignIn('sub-erin'), 'sso_deactivated');
    });

    it('a forged state, a replayed callback and a tampered nonce are refused', async () => {
      idp.accounts.set('sub-bob', { email: 'bob@example.test', email_verified: true });
      refused(
        await ssoSignIn('sub-bob', { tamperCallback: (q) => q.set('state', 'forged-state') }),
        'sso_invalid',
      );

      const ok = await ssoSignIn('sub-bob');
      signedIn(ok);
      // The attempt cookie was spent; replaying the callback with it kept by hand fails too.
      const replay = new ApiClient(test.baseUrl);
      const start = await replay.get('/api/auth/oidc/start?tenant=acme');
      expect(start.status).toBe(302);
      const noCookie = await new ApiClient(test.baseUrl).get(
        `/api/auth/oidc/callback?${ok.callbackQuery}`,
      );
      expect(noCookie.headers.get('location')).toBe(`${PUBLIC_URL}/login?sso_error=sso_invalid`);

      refused(
        await ssoSignIn('sub-bob', {
          tamperAuthorize: (url) => url.searchParams.set('nonce', 'tampered-nonce'),
        }),
        'sso_invalid',
      );
    });

    it('start for a tenant without SSO goes back to the sign-in page', async () => {
      const res = await new ApiClient(test.baseUrl).get('/api/auth/oidc/start?tenant=globex');
      expect([res.status, res.headers.get('location')]).toEqual([
        302,
        `${PUBLIC_URL}/login?sso_error=sso_not_configured`,
      ]);
    });
  });

  describe('a provider’s answer that fails a check: refused, and recorded as sso.refused', () => {
    type Refusal = { reason: string; check?: string };
    const refusals = async () =>
      (
        await sql<{ details: Refusal }>(
          test,
          "select details from history_event where type = 'sso.refused' and tenant_id = ? order by seq",
          [cast.acmeId],
        )
      ).map((e) => e.details);
    /** Runs `act` and returns the refusals it recorded. */
    const recorded = async (act: () => Promise<void>) => {
      const before = (await refusals()).length;
      await act();
      return (await refusals()).slice(before);
    };
    const signIns = async () =>
      (
        await sql(
          test,
          "select 1 from history_event where type = 'user.signed_in' and subject_user_id = ?",
          [cast.users.bob.id],
        )
      ).length;

    beforeEach(() => {
      idp.accounts.set('sub-bob', { email: 'bob@example.test', email_verified: true });
    });
    afterEach(() => {
      for (const key of Object.keys(idp.misbehave)) delete idp.misbehave[key as 'tokensFor'];
    });

    it('a replayed authorization code: the same callback with its attempt cookie, a second time', async () => {
      const ok = await ssoSignIn('sub-bob');
      signedIn(ok);
      const before = await signIns();
      const replay = new ApiClient(test.baseUrl);
      expect(
        await recorded(async () => {
          replay.cookies.set('fp_oidc', ok.attemptCookie);
          const res = await replay.get(`/api/auth/oidc/callback?${ok.callbackQuery}`);
          expect([res.status, res.headers.get('location')]).toEqual([
            302,
            `${PUBLIC_URL}/login?sso_error=sso_invalid`,
          ]);
        }),
      ).toEqual([{ reason: 'sso_invalid', check: 'code' }]);
      expect(replay.cookies.has('fp_session')).toBe(false);
      expect((await replay.get('/api/auth/me')).status).toBe(401);
      expect(await signIns()).toBe(before);
    });

    it('another client’s code: refused by the provider, or — when it answers as that client — by the `aud` check', async () => {
      const asOther = (url: URL) => url.searchParams.set('client_id', idp.otherClient.clientId);
      expect(
        await recorded(async () =>
          refused(await ssoSignIn('sub-bob', { tamperAuthorize: asOther }), 'sso_invalid'),
        ),
      ).toEqual([{ reason: 'sso_invalid', check: 'code' }]);
      idp.misbehave.tokensFor = idp.otherClient.clientId;
      expect(
        await recorded(async () =>
          refused(await ssoSignIn('sub-bob', { tamperAuthorize: asOther }), 'sso_invalid'),
        ),
      ).toEqual([{ reason: 'sso_invalid', check: 'aud' }]);
    });

    it('a wrong `iss`: discovery claims the configured issuer, the provider answers as another', async () => {
      idp.misbehave.localhostAlias = true;
      expect((await put({ issuer: idp.aliasIssuer })).status).toBe(200);
      try {
        expect(
          await recorded(async () => refused(await ssoSignIn('sub-bob'), 'sso_invalid')),
        ).toEqual([{ reason: 'sso_invalid', check: 'iss' }]);
      } finally {
        expect((await put({ issuer: idp.issuer })).status).toBe(200);
      }
    });

    it('a bad signature: the JWKS publishes another key under the signing key’s kid', async () => {
      idp.misbehave.forgedJwks = true;
      expect(
        await recorded(async () => refused(await ssoSignIn('sub-bob'), 'sso_invalid')),
      ).toEqual([{ reason: 'sso_invalid', check: 'signature' }]);
      delete idp.misbehave.forgedJwks;
      signedIn(await ssoSignIn('sub-bob'));
    });

    it('a forged state is recorded too', async () => {
      expect(
        await recorded(async () =>
          refused(
            await ssoSignIn('sub-bob', { tamperCallback: (q) => q.set('state', 'forged') }),
            'sso_invalid',
          ),
        ),
      ).toEqual([{ reason: 'sso_invalid', check: 'state' }]);
    });

    it('a provider that is down at sign-in: back to the sign-in page, and passwords still work', async () => {
      await idp.stop();
      try {
        const browser = new ApiClient(test.baseUrl);
        expect(
          await recorded(async () => {
            const start = await browser.get('/api/auth/oidc/start?tenant=acme');
            expect([start.status, start.headers.get('location')]).toEqual([
              302,
              `${PUBLIC_URL}/login?sso_error=sso_unavailable`,
            ]);
          }),
        ).toEqual([{ reason: 'sso_unavailable' }]);
        expect(browser.cookies.has('fp_oidc')).toBe(false);
        expect((await browser.login('bob', TEST_PASSWORD)).status).toBe(200);
        expect((await browser.get<CurrentUser>('/api/auth/me')).body.username).toBe('bob');
      } finally {
        await idp.resume();
      }
      signedIn(await ssoSignIn('sub-bob'));
    });

    it('no recorded refusal carries a secret, a code or a token', async () => {
      const all = JSON.stringify(await refusals());
      expect(all).not.toContain(idp.clientSecret);
      expect(all).not.toMatch(/code=|eyJ|state=/);
      for (const d of await refusals())
        expect(Object.keys(d).sort()).toEqual(d.check ? ['check', 'reason'] : ['reason']);
    });
  });

  describe('passwordSignIn: false', () => {
    it('refuses passwords for the tenant’s users, but the feed still works with a token', async () => {
      await seedDemoSchema(test, { deals: 5 });
      const source = await createDataSource(cast.clients.bob, 'SSO feed', ['deals']);
      const token = await mint(cast.clients.bob, 'Power BI');
      expect((await put({ passwordSignIn: false })).status).toBe(200);
      try {
        expectApiError(
          await new ApiClient(test.baseUrl).login('bob', TEST_PASSWORD),
          401,
          'sso_required',
        );
        expectApiError(
          await new ApiClient(test.baseUrl).login('bob', 'wrong-password-here'),
          401,
          'invalid_credentials',
        );
        expect((await new ApiClient(test.baseUrl).login('hank', TEST_PASSWORD)).status).toBe(200);
        const options = await new ApiClient(test.baseUrl).get<SignInOptions>(
          '/api/auth/sign-in-options?username=bob',
        );
        expect(options.body.password).toBe(false);
        const feed = await feedGet(test, `/odata/${feedKey(source)}/Deals`, {
          credentials: { username: 'bob', token: token.value },
        });
        expect(feed.status).toBe(200);
      } finally {
        expect((await put({ passwordSignIn: true })).status).toBe(200);
      }
    });
  });
});
