import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import { loadConfig } from '../../apps/api/src/config/app-config';

/**
 * docker/compose.yaml, checked offline (no Docker engine runs here): Debian's
 * docker-compose 1.29 resolves and validates it (`config`), and the resolved services are
 * checked against what the deployment promises (docs/DEPLOY.md). docker/nginx.conf must
 * address the same API instances.
 */
const ROOT = resolve(__dirname, '../..');
const COMPOSE_FILE = join(ROOT, 'docker/compose.yaml');
const NGINX_CONF = join(ROOT, 'docker/nginx.conf');
const INSTALL_HINT = 'apt-get install -y docker-compose';
const PASSWORD = 'compose-test-password';
const SSO_SECRET_KEY = 'q83vEjbk3mF9tHdsWvXqkSXE0hB6aDgJqB3cC1mQZ0E=';
const API_SERVICES = ['api-1', 'api-2'];
const API_PORT = 3000;

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | null>;
  ports?: Array<string | { published?: string | number; target: number; host_ip?: string }>;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: Array<string | { source?: string; target: string }>;
  restart?: string;
  healthcheck?: { test?: string[] | string; disable?: boolean };
}
interface ComposeConfig {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// An empty env file: neither a developer's docker/.env nor the test process's environment
// (the global setup exports database URLs) may leak into what is checked.
const scratch = mkdtempSync(join(tmpdir(), 'feedpass-compose-'));
const emptyEnvFile = join(scratch, 'empty.env');
writeFileSync(emptyEnvFile, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function composeConfig(env: Record<string, string>): {
  status: number;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(
    'docker-compose',
    ['--env-file', emptyEnvFile, '-f', COMPOSE_FILE, 'config'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
      encoding: 'utf8',
    },
  );
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      `docker-compose is not installed, so docker/compose.yaml cannot be validated: ${INSTALL_HINT} ` +
        "(Debian's docker-compose 1.29 validates the file offline, see STACK.md)",
    );
  }
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** docker-compose prints YAML; the python3-yaml it depends on turns it into JSON. */
function parseYaml(text: string): ComposeConfig {
  const result = spawnSync(
    'python3',
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `could not parse the output of docker-compose config with python3-yaml (${INSTALL_HINT}): ${result.stderr}`,
    );
  }
  return JSON.parse(result.stdout) as ComposeConfig;
}

function resolved(env: Record<string, string> = {}): ComposeConfig {
  const { status, stdout, stderr } = composeConfig({ POSTGRES_PASSWORD: PASSWORD, SSO_SECRET_KEY, ...env });
  if (status !== 0) throw new Error(`docker-compose config failed (exit ${status}):\n${stderr}`);
  return parseYaml(stdout);
}

/** Published ports as "host_ip:published->target", from the short or the long syntax. */
function published(service: Service): string[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'string') {
      const parts = port.replace(/\/tcp$/, '').split(':');
      const target = parts.pop();
      const publishedPort = parts.pop();
      return `${parts.pop() ?? ''}:${publishedPort ?? ''}->${target}`;
    }
    return `${port.host_ip ?? ''}:${port.published ?? ''}->${port.target}`;
  });
}

function dependencies(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

function environment(service: Service): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, v ?? '']),
  );
}

/** The `server` lines of each `upstream` block of an nginx configuration. */
function upstreams(conf: string): Map<string, string[]> {
  const text = conf.replace(/#.*$/gm, '');
  const blocks = new Map<string, string[]>();
  for (const match of text.matchAll(/upstream\s+([\w-]+)\s*\{([^}]*)\}/g)) {
    blocks.set(
      match[1],
      [...match[2].matchAll(/^\s*server\s+(\S+?)[\s;]/gm)].map((m) => m[1]),
    );
  }
  return blocks;
}

describe('docker/compose.yaml (validated offline by docker-compose config)', () => {
  let config: ComposeConfig;

  beforeAll(() => {
    config = resolved();
  });

  it('is valid, and has PostgreSQL, Mailpit, the migration, two API instances and the proxy', () => {
    expect(Object.keys(config.services).sort()).toEqual([
      'api-1',
      'api-2',
      'mailpit',
      'migrate',
      'postgres',
      'proxy',
    ]);
    expect(config.services.postgres.image).toBe('postgres:17');
    expect(config.services.mailpit.image).toMatch(/^axllent\/mailpit(:|$)/);
    expect(config.services.proxy.image).toBe('nginx:stable');
  });

  it('refuses to resolve without POSTGRES_PASSWORD, naming the variable', () => {
    const { status, stderr } = composeConfig({});
    expect(status).not.toBe(0);
    expect(stderr).toContain('POSTGRES_PASSWORD');
  });

  it('runs the migration and both API instances from one image built from docker/Dockerfile at the repository root', () => {
    const app = ['migrate', ...API_SERVICES].map((name) => config.services[name]);
    for (const service of app) {
      expect(service.image).toBe('feedpass:local');
      expect(service.build).toEqual({ context: ROOT, dockerfile: 'docker/Dockerfile' });
    }
    // The API instances run the image's CMD (main.js); the migration runs the CLI once.
    for (const name of API_SERVICES) expect(config.services[name].command).toBeUndefined();
    expect(config.services.migrate.command).toEqual([
      'node',
      'dist/apps/api/src/cli.js',
      'migrate',
    ]);
    expect(config.services.migrate.restart).toBe('no');
  });

  it('gives every feedpass container the same production settings, with the documented defaults', () => {
    const api = environment(config.services['api-1']);
    expect(environment(config.services['api-2'])).toEqual(api);
    expect(environment(config.services.migrate)).toEqual(api);
    expect(api).toMatchObject({
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://feedpass:${PASSWORD}@postgres:5432/feedpass`,
      SMTP_URL: 'smtp://mailpit:1025',
      PUBLIC_URL: 'http://localhost:8080',
      TRUST_PROXY: 'uniquelocal',
      MAIL_FROM: 'feedpass <no-reply@feedpass.invalid>',
      EXPIRY_CRON: '* * * * *',
      LOG_LEVEL: 'info',
      SSO_SECRET_KEY,
    });
    // The database service gets the same credentials the URL carries.
    expect(environment(config.services.postgres)).toEqual({
      POSTGRES_USER: 'feedpass',
      POSTGRES_PASSWORD: PASSWORD,
      POSTGRES_DB: 'feedpass',
    });
    // And the API accepts them: production mode, no boot-time migration, no demo seed.
    const app = loadConfig(api);
    expect(app).toMatchObject({
      nodeEnv: 'production',
      migrateOnBoot: false,
      seedDemo: false,
      publicUrl: 'http://localhost:8080',
      cookieSecure: false,
      smtpUrl: 'smtp://mailpit:1025',
      sourceDatabaseUrl: api.DATABASE_URL,
      expiryCron: '* * * * *',
    });
  });

  it('takes its settings from the environment', () => {
    const custom = resolved({
      POSTGRES_USER: 'fp',
      POSTGRES_DB: 'fpdb',
      PUBLIC_URL: 'https://feedpass.example.com',
      SMTP_URL: 'smtps://relay:secret@smtp.example.com:465',
      HTTP_PORT: '80',
      EXPIRY_CRON: 'off',
    });
    const api = environment(custom.services['api-2']);
    expect(api.DATABASE_URL).toBe(`postgres://fp:${PASSWORD}@postgres:5432/fpdb`);
    expect(api.SMTP_URL).toBe('smtps://relay:secret@smtp.example.com:465');
    expect(published(custom.services.proxy)).toEqual([':80->80']);
    const app = loadConfig(api);
    expect(app.cookieSecure).toBe(true); // PUBLIC_URL is https
    expect(app.expiryCron).toBeNull();
  });

  it('trusts exactly the proxy hop for client addresses (TRUST_PROXY as the API applies it)', () => {
    const { trustProxy } = loadConfig(environment(config.services['api-1']));
    const app = express();
    app.set('trust proxy', trustProxy);
    const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    // nginx reaches the API from its address on the compose network (a private range)...
    expect(trust('172.18.0.5', 0)).toBe(true);
    expect(trust('::ffff:172.18.0.5', 0)).toBe(true);
    expect(trust('192.168.16.4', 0)).toBe(true);
    // ...and the address nginx forwards is the client's, which is never trusted further.
    expect(trust('203.0.113.7', 1)).toBe(false);
  });

  it('publishes only the proxy and the Mailpit web UI (loopback); PostgreSQL, SMTP and the APIs stay internal', () => {
    const publishing = Object.entries(config.services)
      .filter(([, service]) => published(service).length > 0)
      .map(([name]) => name)
      .sort();
    expect(publishing).toEqual(['mailpit', 'proxy']);
    expect(published(config.services.proxy)).toEqual([':8080->80']);
    expect(published(config.services.mailpit)).toEqual(['127.0.0.1:8025->8025']);
  });

  it('starts in order: PostgreSQL healthy, then the migration, then the APIs once it succeeded, then the proxy', () => {
    const postgres = config.services.postgres;
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    expect(postgres.volumes).toEqual(['pgdata:/var/lib/postgresql/data:rw']);
    expect(Object.keys(config.volumes ?? {})).toEqual(['pgdata']);
    expect(dependencies(config.services.migrate)).toEqual({ postgres: 'service_healthy' });
    for (const name of API_SERVICES) {
      expect(dependencies(config.services[name])).toEqual({
        postgres: 'service_healthy',
        migrate: 'service_completed_successfully',
      });
    }
    expect(Object.keys(dependencies(config.services.proxy)).sort()).toEqual(API_SERVICES);
  });

  it('mounts docker/nginx.conf, which spreads requests over both API instances', () => {
    expect(config.services.proxy.volumes).toContain(
      `${NGINX_CONF}:/etc/nginx/conf.d/default.conf:ro`,
    );
    const conf = readFileSync(NGINX_CONF, 'utf8');
    const target = /proxy_pass\s+http:\/\/([\w-]+)\s*;/.exec(conf)?.[1];
    expect(target).toBeDefined();
    // Round robin: nginx's default, so no other balancing method is configured.
    expect(upstreams(conf).get(target!)).toEqual(API_SERVICES.map((name) => `${name}:${API_PORT}`));
    expect(conf).not.toMatch(/^\s*(ip_hash|hash|least_conn|random|sticky)\b/m);
    for (const name of API_SERVICES) expect(config.services[name]).toBeDefined();
  });

  it('forwards host (with its port), client address and scheme; bounds bodies; gives /odata longer timeouts', () => {
    const conf = readFileSync(NGINX_CONF, 'utf8').replace(/#.*$/gm, '');
    expect(conf).toMatch(/proxy_set_header\s+Host\s+\$http_host\s*;/);
    expect(conf).toMatch(
      /proxy_set_header\s+X-Forwarded-For\s+\$(remote_addr|proxy_add_x_forwarded_for)\s*;/,
    );
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme\s*;/);
    // Authorization (Basic credentials of the feed) passes through: never cleared.
    expect(conf).not.toMatch(/proxy_set_header\s+Authorization/i);
    expect(conf).toMatch(/client_max_body_size\s+1m\s*;/);
    const odata = /location\s+\/odata\/?\s*\{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(odata).toMatch(/proxy_read_timeout\s+120s\s*;/);
    // Prometheus metrics (/metrics, outside /api) are not served to the outside world.
    expect(conf).toMatch(/location\s+~\*\s+\^\/metrics\(\/\|\$\)\s*\{\s*return\s+404\s*;\s*\}/);
    // A location's own proxy_set_header would silently drop the server-level ones.
    expect(conf.match(/location[^{]*\{[^}]*\}/g)?.join('\n')).not.toMatch(/proxy_set_header/);
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the API as the non-root node user on node:24-bookworm-slim, with a health check and no migration at boot', () => {
    expect(runtime).toMatch(/^\nFROM node:24-bookworm-slim\b/);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/api\/health/m);
    expect(runtime).toMatch(/^CMD \["node", ("--[a-z0-9=-]+", )*"dist\/apps\/api\/src\/main\.js"\]$/m);
    // Only package.json, the production node_modules and dist/ reach the runtime image.
    const copied = [...runtime.matchAll(/^COPY --from=build \/app\/(\S+)/gm)]
      .map((m) => m[1])
      .sort();
    expect(copied).toEqual(['dist', 'node_modules', 'package.json']);
  });

  it('builds from the lockfile and ignores host build output (docker/Dockerfile.dockerignore)', () => {
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    const ignored = readFileSync(join(ROOT, 'docker/Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', 'dist', '.data', '.angular', '.git'])
      expect(ignored).toContain(entry);
  });
});
