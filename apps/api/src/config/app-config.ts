import { parsePublicKeys, type PublicKeyEntry } from '../secret-scanning/public-keys.js';

/**
 * The whole configuration of the API, read from the environment once at boot
 * (`loadConfig`) and injected as `AppConfig`; nothing else reads `process.env`.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  smtpUrl: string | null;
  /** Base URL people reach the portal at; links in emails start with it. */
  publicUrl: string;
  /** Mark cookies `Secure` (default: when PUBLIC_URL is https). */
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionMaxDays: number;
  /** Folder of the built portal to serve at `/`, or null to serve none. */
  portalDir: string | null;
  /** Express `trust proxy` setting, for the client address behind a load balancer. */
  trustProxy: string | number | boolean;
  /** Development mode applies migrations and seeds the demo tenant at boot. */
  migrateOnBoot: boolean;
  seedDemo: boolean;
  logRequests: boolean;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Where data sources read from: a PostgreSQL schema, through a read-only connection. */
  sourceDatabaseUrl: string;
  sourceSchema: string;
  /** Server-driven OData page size (Power BI may ask for less with odata.maxpagesize). */
  odataPageSize: number;
  /** Cron expression of the expiry job (sweep, then outbox); null turns the schedule off. */
  expiryCron: string | null;
  /** The From of every email. */
  mailFrom: string;
  /**
   * 32 bytes from `SSO_SECRET_KEY` (base64 or hex): encrypts the tenants' SSO client
   * secrets (AES-256-GCM) and the browser's sign-in attempt cookie. Required in production.
   */
  ssoSecretKey: Buffer;
  /** Outside production a loopback `http://` issuer is accepted (`npm start`, tests). */
  ssoAllowLoopbackHttp: boolean;
  /**
   * GitHub secret scanning's signing keys from `SECRET_SCANNING_PUBLIC_KEYS` (PEM blocks, or
   * GitHub's key document), each with its key identifier; see docs/SECRET-SCANNING.md.
   */
  secretScanningPublicKeys: PublicKeyEntry[];
  /** `SECRET_SCANNING_KEYS_URL`: GitHub's key document, fetched and cached; null for none. */
  secretScanningKeysUrl: string | null;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = env[name] || fallback;
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
  }
  return raw;
}

function oneOf(env: Env, name: string, fallback: string, allowed: string[]): string {
  const raw = env[name] || fallback;
  if (!allowed.includes(raw))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}

/**
 * Express reads a string as addresses to trust, so "1" would mean the address 0.0.0.1:
 * a number of hops must be passed as a number (and true/false as booleans).
 */
function trustProxy(raw: string | undefined): string | number | boolean {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function identifier(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(`${name} must be a lower-case PostgreSQL identifier, got "${raw}"`);
  }
  return raw;
}

/**
 * The key outside production when SSO_SECRET_KEY is unset: public, so secrets encrypted
 * with it are only as safe as the development database they sit in.
 */
const DEV_SSO_SECRET_KEY = Buffer.alloc(32, 'feedpass-development-only-sso-key');

function secretKey(env: Env, name: string, production: boolean): Buffer {
  const raw = env[name]?.trim();
  if (!raw) {
    if (production) throw new ConfigError(`${name} is required with NODE_ENV=production`);
    return DEV_SSO_SECRET_KEY;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw)
      ? Buffer.from(raw, 'base64')
      : null;
  if (!key || key.length !== 32) {
    throw new ConfigError(
      `${name} must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)`,
    );
  }
  if (production && key.equals(DEV_SSO_SECRET_KEY)) {
    throw new ConfigError(`${name} must not be the development key in production`);
  }
  return key;
}

function secretScanningKeys(env: Env, name: string): PublicKeyEntry[] {
  const raw = env[name];
  if (!raw?.trim()) return [];
  try {
    return parsePublicKeys(raw);
  } catch (error) {
    throw new ConfigError(
      `${name} is not usable (${(error as Error).message}): it must hold ECDSA P-256 PEM public keys or GitHub's key document`,
    );
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https; outside production a loopback http:// too (a key server started by a test). */
function keysUrl(env: Env, name: string, production: boolean): string | null {
  const raw = url(env, name, null, production ? ['https:'] : ['https:', 'http:']);
  if (raw && new URL(raw).protocol === 'http:' && !LOOPBACK.has(new URL(raw).hostname))
    throw new ConfigError(`${name} must use https: (http: only for a loopback address)`);
  return raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnvRaw = env.NODE_ENV || 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnvRaw}"`);
  }
  const nodeEnv = nodeEnvRaw as AppConfig['nodeEnv'];
  const production = nodeEnv === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = url(env, 'DATABASE_URL', null, ['postgres:', 'postgresql:']);
  if (!databaseUrl) throw new ConfigError('DATABASE_URL is required');
  const publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${port}`, [
    'http:',
    'https:',
  ])!.replace(/\/+$/, '');
  const seedDemo = flag(env, 'SEED_DEMO', !production);
  if (seedDemo && production) {
    throw new ConfigError('SEED_DEMO cannot be enabled with NODE_ENV=production');
  }
  return {
    nodeEnv,
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    smtpUrl: url(env, 'SMTP_URL', null, ['smtp:', 'smtps:']),
    publicUrl,
    cookieSecure: flag(env, 'COOKIE_SECURE', publicUrl.startsWith('https:')),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 12 * 60, 5, 7 * 24 * 60),
    sessionMaxDays: integer(env, 'SESSION_MAX_DAYS', 7, 1, 90),
    portalDir: env.PORTAL_DIR === '' ? null : (env.PORTAL_DIR ?? 'dist/portal/browser'),
    trustProxy: trustProxy(env.TRUST_PROXY),
    migrateOnBoot: flag(env, 'MIGRATE_ON_BOOT', !production),
    seedDemo,
    logRequests: flag(env, 'LOG_REQUESTS', nodeEnv !== 'test'),
    logLevel: oneOf(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    sourceDatabaseUrl: url(env, 'SOURCE_DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:'])!,
    sourceSchema: identifier(env, 'SOURCE_SCHEMA', 'demo'),
    odataPageSize: integer(env, 'ODATA_PAGE_SIZE', 5000, 1, 100_000),
    expiryCron:
      env.EXPIRY_CRON === 'off'
        ? null
        : env.EXPIRY_CRON || (nodeEnv === 'test' ? null : '* * * * *'),
    mailFrom: env.MAIL_FROM || 'feedpass <no-reply@feedpass.invalid>',
    ssoSecretKey: secretKey(env, 'SSO_SECRET_KEY', production),
    ssoAllowLoopbackHttp: !production,
    secretScanningPublicKeys: secretScanningKeys(env, 'SECRET_SCANNING_PUBLIC_KEYS'),
    secretScanningKeysUrl: keysUrl(env, 'SECRET_SCANNING_KEYS_URL', production),
  };
}
