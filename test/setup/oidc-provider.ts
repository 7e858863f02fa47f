import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startOidcDevProvider, type DevAccount } from '../../scripts/oidc-dev-provider.mjs';
import { ApiClient, type ApiResponse } from './api-client';
import { freePort } from './free-port';

/** One account at the test provider: its claims, changeable between sign-ins. */
export type TestAccount = DevAccount;

/** Ways the provider misbehaves on purpose, to see the app refuse its answer. */
export interface Misbehaviour {
  /** Answer token requests as this other registered client: ID tokens with its `aud`. */
  tokensFor?: string;
  /**
   * Discovery asked at `http://localhost:{port}` claims that issuer, while ID tokens keep
   * saying `http://127.0.0.1:{port}` (an `iss` that does not match).
   */
  localhostAlias?: boolean;
  /** The JWKS endpoint publishes another key under the signing key's `kid`. */
  forgedJwks?: boolean;
}

export interface TestProvider {
  issuer: string;
  /** The same provider at `http://localhost:{port}`: only useful with `localhostAlias`. */
  aliasIssuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client registered at the same provider, with the app's redirect URI too. */
  otherClient: { clientId: string; clientSecret: string };
  accounts: Map<string, TestAccount>;
  /** The subject the next interaction signs in as. */
  signInAs(sub: string): void;
  misbehave: Misbehaviour;
  /** Down (connections refused) and back, with the same state. */
  stop(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const rsaJwk = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

/**
 * A real OpenID provider (oidc-provider, through scripts/oidc-dev-provider.mjs, which
 * `DEMO_SSO=1 npm start` runs too) on a loopback port: two confidential clients with the
 * app's redirect URI, PKCE required, no login page — its login interaction is finished at
 * once as the account `signInAs` named, and consent is implied.
 */
export async function startTestProvider(
  redirectUri: string,
  options: {
    /** oidc-provider's own login and consent pages (HTML forms) for a real browser. */
    loginPages?: boolean;
  } = {},
): Promise<TestProvider> {
  const port = await freePort();
  const accounts = new Map<string, TestAccount>();
  let next = '';
  const misbehave: Misbehaviour = {};
  const client = { clientId: 'feedpass-e2e', clientSecret: 'provider-client-secret-Zq81xK' };
  const otherClient = { clientId: 'another-app', clientSecret: 'another-app-secret-Pw27vN' };
  const kid = 'test-signing-key';
  const signing = { ...rsaJwk(), kid, alg: 'RS256', use: 'sig' };
  const {
    d: _d,
    p: _p,
    q: _q,
    dp: _dp,
    dq: _dq,
    qi: _qi,
    ...forged
  } = {
    ...rsaJwk(),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
  const issuer = `http://127.0.0.1:${port}`;
  const aliasIssuer = `http://localhost:${port}`;

  const intercept = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0];
    if (misbehave.forgedJwks && req.method === 'GET' && path === '/jwks') {
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys: [forged] }));
      return true;
    }
    if (misbehave.tokensFor && req.method === 'POST' && path === '/token') {
      const other = [otherClient].find((c) => c.clientId === misbehave.tokensFor)!;
      req.headers.authorization = basic(other.clientId, other.clientSecret);
      return false;
    }
    if (
      misbehave.localhostAlias &&
      path === '/.well-known/openid-configuration' &&
      req.headers.host === `localhost:${port}`
    ) {
      void fetch(`${issuer}${path}`)
        .then((r) => r.json() as Promise<Record<string, unknown>>)
        .then((doc) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ...doc, issuer: aliasIssuer }));
        });
      return true;
    }
    return false;
  };

  const provider = await startOidcDevProvider({
    port,
    clients: [client, otherClient].map((c) => ({ ...c, redirectUris: [redirectUri] })),
    accounts,
    signInAs: () => next,
    jwks: { keys: [signing] },
    intercept,
    cookieKeys: ['test-provider-cookie-key'],
    loginPages: options.loginPages ?? false,
  });
  return {
    issuer,
    aliasIssuer,
    ...client,
    otherClient,
    accounts,
    signInAs: (sub) => {
      next = sub;
    },
    misbehave,
    stop: provider.stop,
    resume: provider.resume,
    close: provider.close,
  };
}

/** One browser's trip through the code flow. */
export interface SsoFlow {
  client: ApiClient;
  callbackQuery: string;
  /** The sealed attempt cookie the callback was sent with. */
  attemptCookie: string;
  callback: ApiResponse;
}

/**
 * A browser: start at the app (`tenant`), through the provider (its own cookie jar), back
 * to the app's callback, signing in at the provider as `sub`.
 */
export async function browseSsoSignIn(
  baseUrl: string,
  idp: TestProvider,
  redirectUri: string,
  sub: string,
  options: {
    tenant?: string;
    tamperAuthorize?: (url: URL) => void;
    tamperCallback?: (q: URLSearchParams) => void;
  } = {},
): Promise<SsoFlow> {
  const client = new ApiClient(baseUrl);
  const start = await client.get(`/api/auth/oidc/start?tenant=${options.tenant ?? 'acme'}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}`);
  const attemptCookie = client.cookies.get('fp_oidc')!;
  let url = new URL(start.headers.get('location')!);
  if (url.origin !== idp.issuer) throw new Error(`start went to ${url.href}`);
  options.tamperAuthorize?.(url);
  idp.signInAs(sub);
  const jar = new Map<string, string>();
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
    const next = new URL(location, url);
    if (next.href.startsWith(redirectUri)) {
      const params = next.searchParams;
      options.tamperCallback?.(params);
      const callbackQuery = params.toString();
      const callback = await client.get(`/api/auth/oidc/callback?${callbackQuery}`);
      return { client, callbackQuery, attemptCookie, callback };
    }
    url = next;
  }
  throw new Error('too many redirects at the provider');
}
