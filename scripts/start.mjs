// `npm start`: the whole product on embedded defaults (README: local PostgreSQL, migrations,
// demo data, API, portal, expiry job and a mail sink).
// Compiles the API (SWC, a second or two, every time) and builds the portal only when its
// sources are newer than the last build; starts a local PostgreSQL in .data/ unless
// DATABASE_URL is set, a maildev mail sink unless SMTP_URL is set, then the API (which
// migrates and seeds the demo tenant in development mode) serving the portal at /. In development the API logs
// one readable line per entry (see apps/api/src/logging/logging.module.ts).
// DEMO_SSO=1 (development only) also starts a local OpenID provider (oidc-provider, a
// devDependency; scripts/oidc-dev-provider.mjs) and points the demo tenant's single
// sign-on at it, so "Sign in with Demo SSO" can be tried on the sign-in page.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';

const root = resolve(import.meta.dirname, '..');
const env = process.env;
const production = env.NODE_ENV === 'production';
const stoppers = [];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function build() {
  const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run(['scripts/build-api.mjs']);
  const index = join(root, 'dist/portal/browser/index.html');
  const sources = ['apps/portal', 'libs/contracts/src', 'angular.json'].map((p) => join(root, p));
  if (!existsSync(index) || Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs) {
    console.log('Building the portal (first start, or it changed) ...');
    run([join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build', 'portal']);
  }
}

async function startMailSink({ smtp, web }) {
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mailDirectory: join(root, '.data/mail') });
  await maildev.start();
  stoppers.push(() => maildev.stop());
  return { smtpUrl: `smtp://127.0.0.1:${smtp}`, webUrl: `http://localhost:${web}/` };
}

const DEMO_SSO_CLIENT = { clientId: 'feedpass-demo', clientSecret: 'feedpass-demo-sso-secret' };

/** The embedded provider of DEMO_SSO=1, its one account the demo user's address. */
async function startDemoSso(publicUrl) {
  const { startOidcDevProvider } = await import('./oidc-dev-provider.mjs');
  const { DEMO_EMAIL_DOMAIN } = await import('../dist/apps/api/src/dev/demo-seed.js');
  const account = 'demo-user';
  const provider = await startOidcDevProvider({
    port: Number(env.DEMO_SSO_PORT || 3010),
    clients: [{ ...DEMO_SSO_CLIENT, redirectUris: [`${publicUrl}/api/auth/oidc/callback`] }],
    accounts: new Map([
      [
        'demo-user-sub',
        {
          email: `${account}@${DEMO_EMAIL_DOMAIN}`,
          email_verified: true,
          preferred_username: account,
          name: 'Demo User',
        },
      ],
    ]),
    signInAs: () => 'demo-user-sub',
  });
  stoppers.push(() => provider.close());
  return { ...provider, account };
}

async function main() {
  build();
  const defaults = await import('../dist/apps/api/src/config/dev-defaults.js');
  let mailWeb = null;
  if (!env.DATABASE_URL && !production) {
    const port = defaults.embeddedPostgresPort(env);
    console.log(`Starting the embedded PostgreSQL in .data/postgres (port ${port}) ...`);
    const server = await startEmbeddedPostgres({ dir: join(root, '.data/postgres'), port });
    stoppers.push(() => server.stop());
    env.DATABASE_URL = server.url;
  }
  if (!env.SMTP_URL && !production) {
    const sink = await startMailSink(defaults.mailSinkPorts(env));
    env.SMTP_URL = sink.smtpUrl;
    mailWeb = sink.webUrl;
  }
  const { bootstrap } = await import('../dist/apps/api/src/main.js');
  const { loadConfig } = await import('../dist/apps/api/src/config/app-config.js');
  const config = loadConfig(env);
  const demoSso = env.DEMO_SSO === '1' || env.DEMO_SSO === 'true';
  if (demoSso && (production || !config.seedDemo))
    throw new Error('DEMO_SSO=1 needs development mode with the demo seed (SEED_DEMO not false)');
  const sso = demoSso ? await startDemoSso(config.publicUrl) : null;
  const app = await bootstrap(config);
  stoppers.unshift(() => app.close());
  if (sso) {
    const { DemoSeed } = await import('../dist/apps/api/src/dev/demo-seed.js');
    const { runInContext } = await import('../dist/apps/api/src/database/run-in-context.js');
    const { MikroORM } = await import('@mikro-orm/postgresql');
    await runInContext(app.get(MikroORM), () =>
      app.get(DemoSeed).configureSso({ issuer: sso.issuer, ...DEMO_SSO_CLIENT }),
    );
  }

  const line = '─'.repeat(64);
  console.log(`\n${line}\n feedpass is running\n`);
  console.log(` Portal       ${config.publicUrl}/`);
  console.log(` API docs     ${config.publicUrl}/api/docs`);
  console.log(` Health       ${config.publicUrl}/api/health`);
  if (mailWeb) console.log(` Mail sink    ${mailWeb}  (every email feedpass sends lands here)`);
  console.log(` Expiry job   ${config.expiryCron ? `on "${config.expiryCron}"` : 'off'}; run one sweep as of any time with`);
  console.log(`              npm run job:expiry -- --now 2026-12-01T00:00:00Z`);
  if (config.seedDemo) {
    console.log(`\n Demo sign-ins (tenant "Demo"), password feedpass-demo:`);
    console.log(`   demo-admin   tenant admin`);
    console.log(`   demo-user    user`);
  }
  if (sso) {
    console.log(`\n Demo SSO     ${sso.issuer}  (a local OpenID provider, DEMO_SSO=1)`);
    console.log(`   On the sign-in page enter ${sso.account} (or open ${config.publicUrl}/t/demo) and`);
    console.log(`   choose "Sign in with Demo SSO": the provider signs you in as ${sso.account} at once.`);
  }
  console.log(`\n Ctrl+C stops everything; data stays in .data/ for the next start.\n${line}\n`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const fn of stoppers) await Promise.resolve().then(fn).catch((e) => console.error(String(e)));
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

main().catch(async (error) => {
  console.error(`\nfeedpass could not start: ${error?.message ?? error}`);
  await stop(1);
});
