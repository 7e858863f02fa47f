import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, type AppConfig } from './app-config';

const DATABASE_URL = 'postgres://feedpass:secret@db.internal:5432/feedpass';
const SSO_SECRET_KEY = 'q'.repeat(43);

describe('loadConfig', () => {
  it('fills in the documented defaults from nothing but DATABASE_URL (development mode)', () => {
    expect(loadConfig({ DATABASE_URL })).toEqual<AppConfig>({
      nodeEnv: 'development',
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: DATABASE_URL,
      smtpUrl: null,
      publicUrl: 'http://localhost:3000',
      cookieSecure: false,
      sessionIdleMinutes: 12 * 60,
      sessionMaxDays: 7,
      portalDir: 'dist/portal/browser',
      trustProxy: false,
      migrateOnBoot: true,
      seedDemo: true,
      logRequests: true,
      logLevel: 'info',
      sourceDatabaseUrl: DATABASE_URL,
      sourceSchema: 'demo',
      odataPageSize: 5000,
      expiryCron: '* * * * *',
      mailFrom: 'feedpass <no-reply@feedpass.invalid>',
      ssoSecretKey: expect.any(Buffer),
      ssoAllowLoopbackHttp: true,
      secretScanningPublicKeys: [],
      secretScanningKeysUrl: null,
    });
  });

  it('needs SSO_SECRET_KEY (32 bytes) in production, and has a development default elsewhere', () => {
    expect(loadConfig({ DATABASE_URL }).ssoSecretKey).toHaveLength(32);
    expect(() => loadConfig({ DATABASE_URL, NODE_ENV: 'production' })).toThrow(/SSO_SECRET_KEY/);
    expect(() =>
      loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY: 'short' }),
    ).toThrow(/SSO_SECRET_KEY/);
    const hex = 'ab'.repeat(32);
    const prod = loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY: hex });
    expect(prod.ssoSecretKey.toString('hex')).toBe(hex);
    expect(prod.ssoAllowLoopbackHttp).toBe(false);
    expect(loadConfig({ DATABASE_URL, SSO_SECRET_KEY }).ssoSecretKey).toHaveLength(32);
  });

  it('reads TRUST_PROXY as Express means it: a hop count as a number, names as names', () => {
    expect(loadConfig({ DATABASE_URL }).trustProxy).toBe(false);
    expect(loadConfig({ DATABASE_URL, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ DATABASE_URL, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ DATABASE_URL, TRUST_PROXY: 'loopback, uniquelocal' }).trustProxy).toBe(
      'loopback, uniquelocal',
    );
  });

  it('turns the expiry schedule off with EXPIRY_CRON=off, and by default under test', () => {
    expect(loadConfig({ DATABASE_URL, EXPIRY_CRON: 'off' }).expiryCron).toBeNull();
    expect(loadConfig({ DATABASE_URL, NODE_ENV: 'test' }).expiryCron).toBeNull();
    expect(loadConfig({ DATABASE_URL, EXPIRY_CRON: '*/5 * * * *' }).expiryCron).toBe('*/5 * * * *');
  });

  it('refuses a SOURCE_SCHEMA that is not a plain identifier', () => {
    expect(() => loadConfig({ DATABASE_URL, SOURCE_SCHEMA: 'demo; drop table x' })).toThrow(
      ConfigError,
    );
  });

  it('does not migrate or seed at boot in production unless told to migrate', () => {
    const config = loadConfig({
      DATABASE_URL,
      NODE_ENV: 'production',
      SSO_SECRET_KEY,
      PUBLIC_URL: 'https://feeds.example.com',
    });

    expect(config).toMatchObject({
      nodeEnv: 'production',
      migrateOnBoot: false,
      seedDemo: false,
      cookieSecure: true,
    });
    expect(
      loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY, MIGRATE_ON_BOOT: 'true' })
        .migrateOnBoot,
    ).toBe(true);
  });

  it('reads only the environment it is given', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig({ DATABASE_URL }).port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  describe('PORT', () => {
    it('moves the port and the default public URL', () => {
      const config = loadConfig({ DATABASE_URL, PORT: '8080' });

      expect(config.port).toBe(8080);
      expect(config.publicUrl).toBe('http://localhost:8080');
    });

    it.each(['abc', '-1', '65536', '80.5', '3000abc'])('refuses %j, naming PORT', (port) => {
      expect(() => loadConfig({ DATABASE_URL, PORT: port })).toThrow(ConfigError);
      expect(() => loadConfig({ DATABASE_URL, PORT: port })).toThrow(/PORT/);
    });

    // APP BUG (minor): Number(' ') is 0 and Number('0x1F90') is 8080, so a blank PORT silently
    // means "any free port" and hex/exponent spellings pass. Expected: only plain digits.
    it.each([' ', '0x1F90', '1e3'])('refuses %j rather than reading it as a number', (port) => {
      expect(() => loadConfig({ DATABASE_URL, PORT: port })).toThrow(/PORT/);
    });

    it('treats an empty PORT as unset', () => {
      expect(loadConfig({ DATABASE_URL, PORT: '' }).port).toBe(3000);
    });
  });

  describe('DATABASE_URL', () => {
    it.each([
      ['missing', {}],
      ['empty', { DATABASE_URL: '' }],
    ])('is required (%s)', (_name, env) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/DATABASE_URL is required/);
    });

    it.each(['not a url', 'mysql://db/feedpass', 'http://db:5432/feedpass'])(
      'refuses %j',
      (value) => {
        expect(() => loadConfig({ DATABASE_URL: value })).toThrow(/DATABASE_URL/);
      },
    );

    it('accepts postgresql: as well as postgres:', () => {
      expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/feedpass' }).databaseUrl).toBe(
        'postgresql://localhost/feedpass',
      );
    });

    it('does not echo the password of a bad URL back in the error', () => {
      expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2-secret@db/x' })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('hunter2-secret') }),
      );
    });
  });

  describe('SEED_DEMO', () => {
    it('refuses to seed the demo tenant with NODE_ENV=production', () => {
      expect(() =>
        loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY, SEED_DEMO: 'true' }),
      ).toThrow(ConfigError);
      expect(() =>
        loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY, SEED_DEMO: '1' }),
      ).toThrow(/SEED_DEMO.*production/);
    });

    it('can be turned off in development, and stays off in production when said so', () => {
      expect(loadConfig({ DATABASE_URL, SEED_DEMO: 'false' }).seedDemo).toBe(false);
      expect(
        loadConfig({ DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY, SEED_DEMO: 'false' })
          .seedDemo,
      ).toBe(false);
    });

    it('refuses a value that is neither true nor false', () => {
      expect(() => loadConfig({ DATABASE_URL, SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
    });
  });

  describe('PUBLIC_URL', () => {
    it.each([
      ['https://feeds.example.com/', 'https://feeds.example.com'],
      ['https://feeds.example.com///', 'https://feeds.example.com'],
      ['https://example.com/feedpass/', 'https://example.com/feedpass'],
      ['http://localhost:3000', 'http://localhost:3000'],
    ])('drops the trailing slash: %s → %s', (value, expected) => {
      expect(loadConfig({ DATABASE_URL, PUBLIC_URL: value }).publicUrl).toBe(expected);
    });

    it('marks cookies Secure when it is https, unless COOKIE_SECURE says otherwise', () => {
      expect(
        loadConfig({ DATABASE_URL, PUBLIC_URL: 'https://feeds.example.com' }).cookieSecure,
      ).toBe(true);
      expect(
        loadConfig({ DATABASE_URL, PUBLIC_URL: 'http://feeds.example.com' }).cookieSecure,
      ).toBe(false);
      expect(
        loadConfig({
          DATABASE_URL,
          PUBLIC_URL: 'https://feeds.example.com',
          COOKIE_SECURE: 'false',
        }).cookieSecure,
      ).toBe(false);
    });

    it.each(['feeds.example.com', 'ftp://feeds.example.com'])('refuses %j', (value) => {
      expect(() => loadConfig({ DATABASE_URL, PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
    });
  });

  it('refuses an unknown NODE_ENV', () => {
    expect(() => loadConfig({ DATABASE_URL, NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
  });

  it('bounds the session settings', () => {
    expect(
      loadConfig({ DATABASE_URL, SESSION_IDLE_MINUTES: '30', SESSION_MAX_DAYS: '1' }),
    ).toMatchObject({ sessionIdleMinutes: 30, sessionMaxDays: 1 });
    expect(() => loadConfig({ DATABASE_URL, SESSION_IDLE_MINUTES: '1' })).toThrow(
      /SESSION_IDLE_MINUTES/,
    );
    expect(() => loadConfig({ DATABASE_URL, SESSION_MAX_DAYS: '0' })).toThrow(/SESSION_MAX_DAYS/);
  });

  it('serves no portal when PORTAL_DIR is empty', () => {
    expect(loadConfig({ DATABASE_URL, PORTAL_DIR: '' }).portalDir).toBeNull();
  });

  it('accepts an smtp: or smtps: SMTP_URL and refuses anything else', () => {
    expect(loadConfig({ DATABASE_URL, SMTP_URL: 'smtps://mail.example.com:465' }).smtpUrl).toBe(
      'smtps://mail.example.com:465',
    );
    expect(() => loadConfig({ DATABASE_URL, SMTP_URL: 'http://mail.example.com' })).toThrow(
      /SMTP_URL/,
    );
  });

  describe('SECRET_SCANNING_PUBLIC_KEYS and SECRET_SCANNING_KEYS_URL', () => {
    /** GitHub's documented example key and its key_identifier (secret scanning partner program). */
    const GITHUB_EXAMPLE = [
      '-----BEGIN PUBLIC KEY-----',
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9MJJHnMfn2+H4xL4YaPDA4RpJqUq',
      'kCmRCBnYERxZanmcpzQSXs1X/AljlKkbJ8qpVIW4clayyef9gWhFbNHWAA==',
      '-----END PUBLIC KEY-----',
    ].join('\n');
    const GITHUB_EXAMPLE_ID = '90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a';
    const p256 = () =>
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }) as string;
    const keysOf = (value: string) =>
      loadConfig({ DATABASE_URL, SECRET_SCANNING_PUBLIC_KEYS: value }).secretScanningPublicKeys;

    it("identifies a PEM key as GitHub does (its documented example key gets GitHub's id)", () => {
      expect(keysOf(GITHUB_EXAMPLE)).toEqual([
        { id: GITHUB_EXAMPLE_ID, pem: `${GITHUB_EXAMPLE}\n` },
      ]);
    });

    it('reads several PEM blocks, also written on one line with \\n escapes', () => {
      const other = p256();
      const keys = keysOf(`${GITHUB_EXAMPLE}\n\n${other}`);
      expect(keys.map((k) => k.pem)).toEqual([`${GITHUB_EXAMPLE}\n`, other]);
      expect(keys[1].id).toMatch(/^[0-9a-f]{64}$/);
      expect(keysOf(GITHUB_EXAMPLE.replace(/\n/g, '\\n'))[0].id).toBe(GITHUB_EXAMPLE_ID);
    });

    it("takes GitHub's key document as served, with its own key identifiers", () => {
      const document = JSON.stringify({
        public_keys: [
          { key_identifier: 'ABC123', key: GITHUB_EXAMPLE, is_current: false },
          { key_identifier: GITHUB_EXAMPLE_ID, key: GITHUB_EXAMPLE, is_current: true },
        ],
      });
      expect(keysOf(document).map((k) => k.id)).toEqual(['abc123', GITHUB_EXAMPLE_ID]);
    });

    it.each([
      ['garbage', 'not a key', /no PEM "PUBLIC KEY" block/],
      ['a broken PEM', GITHUB_EXAMPLE.replace('MFkw', 'MFkx'), /key 1 is not a readable PEM/],
      [
        'an RSA key',
        generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
          type: 'spki',
          format: 'pem',
        }) as string,
        /key 1 is not an ECDSA P-256/,
      ],
      [
        'a P-384 key',
        generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
          type: 'spki',
          format: 'pem',
        }) as string,
        /not an ECDSA P-256/,
      ],
      ['text beside the PEM', `${GITHUB_EXAMPLE}\nand more`, /text outside/],
      ['a private key', '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----', /no PEM/],
      ['bad JSON', '{"public_keys": [', /neither PEM nor valid JSON/],
      ['an empty document', '{"public_keys": []}', /no key listed/],
      ['a document entry without a key', '{"public_keys": [{"key_identifier": "ab"}]}', /entry 1/],
    ])('fails at startup, naming the variable, for %s', (_name, value, why) => {
      expect(() => keysOf(value)).toThrow(ConfigError);
      expect(() => keysOf(value)).toThrow(/^SECRET_SCANNING_PUBLIC_KEYS is not usable/);
      expect(() => keysOf(value)).toThrow(why);
    });

    it('needs https for the key URL in production, and allows loopback http elsewhere', () => {
      const github = 'https://api.github.com/meta/public_keys/secret_scanning';
      const prod = { DATABASE_URL, NODE_ENV: 'production', SSO_SECRET_KEY };
      expect(loadConfig({ ...prod, SECRET_SCANNING_KEYS_URL: github }).secretScanningKeysUrl).toBe(
        github,
      );
      expect(() =>
        loadConfig({ ...prod, SECRET_SCANNING_KEYS_URL: 'http://127.0.0.1:9/keys' }),
      ).toThrow(/SECRET_SCANNING_KEYS_URL/);
      expect(
        loadConfig({ DATABASE_URL, SECRET_SCANNING_KEYS_URL: 'http://127.0.0.1:9/keys' })
          .secretScanningKeysUrl,
      ).toBe('http://127.0.0.1:9/keys');
      expect(() =>
        loadConfig({ DATABASE_URL, SECRET_SCANNING_KEYS_URL: 'http://keys.example.com/' }),
      ).toThrow(/https/);
      expect(() => loadConfig({ DATABASE_URL, SECRET_SCANNING_KEYS_URL: 'nope' })).toThrow(
        /SECRET_SCANNING_KEYS_URL/,
      );
    });
  });
});
