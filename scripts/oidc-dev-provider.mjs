// A local OpenID provider (oidc-provider, a devDependency) on a loopback port, shared by
// `DEMO_SSO=1 npm start` (scripts/start.mjs) and the specs (test/setup/oidc-provider.ts).
// Never for production: no login page — each sign-in finishes its login interaction at
// once as the account `signInAs()` names, and consent is implied (unless `loginPages`).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

/**
 * Starts the provider on `127.0.0.1:{port}` (issuer `http://127.0.0.1:{port}`).
 *
 * - `clients`: `[{ clientId, clientSecret, redirectUris }]`, confidential clients using
 *   `client_secret_basic`, the code flow only, PKCE required.
 * - `accounts`: a Map of subject → claims (`email`, `email_verified`, `preferred_username`,
 *   `name`), read at each sign-in, so a caller can change them in between.
 * - `signInAs()`: the subject the next login interaction signs in as.
 * - `jwks`: the signing keys (`{ keys: [private JWK] }`); oidc-provider's ephemeral
 *   development keys when omitted.
 * - `intercept(req, res)`: sees every request first; answers it and returns true, or
 *   returns false to let the provider handle it (the specs use it to misbehave).
 * - `loginPages`: off by default. When true, oidc-provider's own development login and
 *   consent pages (devInteractions: HTML forms; the login field is the subject, any
 *   password) are shown instead, `signInAs()` is not used, and consent is asked.
 *
 * Returns `{ issuer, port, stop(), resume(), close() }`: `stop()` makes the port refuse
 * connections (a provider that is down), `resume()` listens again with the same state.
 */
export async function startOidcDevProvider({
  port,
  clients,
  accounts,
  signInAs,
  jwks,
  intercept,
  cookieKeys = ['oidc-dev-provider-cookie-key'],
  loginPages = false,
}) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    ...(jwks ? { jwks } : {}),
    pkce: { required: () => true },
    // Short, fixed lifetimes (seconds): also keeps oidc-provider from noting its defaults.
    ttl: { Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, Interaction: 600 },
    features: { devInteractions: { enabled: loginPages } },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name'],
    },
    ...(loginPages
      ? {}
      : { interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` } }),
    cookies: { keys: cookieKeys },
    findAccount: (_ctx, sub) => {
      if (!accounts.has(sub)) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) };
    },
    ...(loginPages
      ? {}
      : {
          async loadExistingGrant(ctx) {
            const grant = new ctx.oidc.provider.Grant({
              clientId: ctx.oidc.client.clientId,
              accountId: ctx.oidc.session.accountId,
            });
            grant.addOIDCScope('openid email profile');
            await grant.save();
            return grant;
          },
        }),
  });
  const callback = provider.callback();
  const server = createServer((req, res) => {
    if (intercept?.(req, res)) return;
    if (!loginPages && req.url?.startsWith('/interaction/')) {
      provider
        .interactionFinished(
          req,
          res,
          { login: { accountId: signInAs() } },
          { mergeWithLastSubmission: false },
        )
        .catch((error) => {
          res.statusCode = 500;
          res.end(String(error));
        });
      return;
    }
    void callback(req, res);
  });
  const listen = () => new Promise((done) => server.listen(port, '127.0.0.1', done));
  const stop = () =>
    new Promise((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  await listen();
  return { issuer, port, stop, resume: listen, close: stop };
}
