import { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import {
  DISPLAY_NAME_MAX,
  USERNAME_PATTERN,
  type SignInOptions,
  type SsoButton,
  type SsoErrorCode,
  type SsoRefusalCheck,
  type TenantSignIn,
} from '@feedpass/contracts';
import { User, type Tenant, type TenantSso } from '@feedpass/domain';
import { AuthService } from '../auth/auth.service.js';
import { notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { UserRepository } from '../users/user.repository.js';
import { OidcProviders } from './oidc-providers.js';
import { SecretBox } from './secret-box.js';
import { SsoAdminService } from './sso-admin.service.js';
import { TenantSsoRepository } from './tenant-sso.repository.js';

/** The browser's sign-in attempt cookie: sealed, httpOnly, only sent to the callback's path. */
export const ATTEMPT_COOKIE = 'fp_oidc';
export const ATTEMPT_COOKIE_PATH = '/api/auth/oidc';
export const ATTEMPT_MINUTES = 10;
const SCOPES = 'openid email profile';

/** A refused SSO sign-in: the short code the sign-in page gets, never a secret or a token. */
export class SsoFailure extends Error {
  constructor(
    readonly code: SsoErrorCode,
    /** Which check of the provider's answer failed, when one did (recorded, never shown). */
    readonly check?: SsoRefusalCheck,
    /** The user it was about, when known (a deactivated user). */
    readonly userId?: string,
  ) {
    super(code);
  }
}

interface Attempt {
  /** tenant id, state, nonce, PKCE verifier, expiry (ms). */
  t: string;
  s: string;
  n: string;
  v: string;
  e: number;
}

interface Profile {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  preferred_username?: unknown;
  name?: unknown;
}

/**
 * OpenID Connect sign-in (SPEC 13): the code flow with PKCE (S256), `state` and `nonce`
 * through openid-client, then the user matched by `(issuer, sub)`, linked by a verified
 * e-mail of an allowed domain, or created when the tenant says so.
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger('OidcSignIn');
  private readonly attempts: SecretBox;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: TenantSsoRepository,
    private readonly users: UserRepository,
    private readonly providers: OidcProviders,
    private readonly admin: SsoAdminService,
    private readonly auth: AuthService,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.attempts = new SecretBox(config.ssoSecretKey, 'sso-attempt-cookie');
  }

  async signInOptions(username: string | undefined): Promise<SignInOptions> {
    const passwordOnly: SignInOptions = { password: true, sso: null };
    if (!username?.trim() || username.length > 254) return passwordOnly;
    const user = await this.users.findForSignIn(username);
    if (!user) return passwordOnly;
    return this.optionsOf(user.tenant as Tenant);
  }

  async tenantSignIn(slug: string): Promise<TenantSignIn> {
    const tenant = slug.length <= 63 ? await this.repo.findTenantBySlug(slug) : null;
    if (!tenant) throw notFound('Tenant');
    return { slug: tenant.slug, name: tenant.name, ...(await this.optionsOf(tenant)) };
  }

  private async optionsOf(tenant: Tenant): Promise<SignInOptions> {
    const sso = await this.repo.findByTenant(tenant.id);
    if (!sso?.enabled) return { password: true, sso: null };
    return { password: sso.passwordSignIn, sso: this.button(tenant, sso) };
  }

  private button(tenant: Tenant, sso: TenantSso): SsoButton {
    return {
      tenant: tenant.slug,
      displayName: sso.displayName,
      startUrl: `/api/auth/oidc/start?tenant=${encodeURIComponent(tenant.slug)}`,
    };
  }

  /** The provider's authorization URL and the sealed attempt for the browser's cookie. */
  async start(slug: string | undefined): Promise<{ location: string; attempt: string }> {
    const tenant = slug && slug.length <= 63 ? await this.repo.findTenantBySlug(slug) : null;
    if (!tenant) throw new SsoFailure('sso_not_configured');
    const { config } = await this.refusalsRecorded(tenant.id, () => this.providerOf(tenant.id));
    const verifier = oidc.randomPKCECodeVerifier();
    const attempt: Attempt = {
      t: tenant.id,
      s: oidc.randomState(),
      n: oidc.randomNonce(),
      v: verifier,
      e: Date.now() + ATTEMPT_MINUTES * 60_000,
    };
    if (!config.serverMetadata().supportsPKCE('S256'))
      this.logger.warn(
        `The provider of tenant ${tenant.id} does not advertise PKCE S256; sending it anyway`,
      );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.providers.redirectUri,
      response_type: 'code',
      scope: SCOPES,
      state: attempt.s,
      nonce: attempt.n,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { location: url.href, attempt: this.attempts.seal(JSON.stringify(attempt)) };
  }

  /**
   * The provider's redirect back: checks the attempt, redeems the code (state, nonce, PKCE
   * and the ID token's signature, `iss`, `aud` verified by openid-client), finds the user,
   * and starts a session like a password sign-in. Returns the session cookie's secret.
   */
  async callback(
    query: string,
    sealed: string | undefined,
    meta: { ip: string; userAgent?: string; previousSecret?: string },
  ): Promise<string> {
    let attempt: Attempt;
    try {
      attempt = this.openAttempt(sealed);
    } catch (error) {
      // No tenant to record it for: a log line (the attempt cookie was missing, forged or old).
      this.logger.warn('SSO callback refused: no valid sign-in attempt (sso_invalid, state)');
      throw error;
    }
    return this.refusalsRecorded(attempt.t, () => this.redeem(attempt, query, meta));
  }

  /**
   * Runs one leg of the flow for a tenant; a refusal on the way is recorded as an
   * `sso.refused` event of that tenant (the reason code and the failed check, no secrets)
   * and logged, then passed on.
   */
  private async refusalsRecorded<T>(tenantId: string, leg: () => Promise<T>): Promise<T> {
    try {
      return await leg();
    } catch (error) {
      if (!(error instanceof SsoFailure)) throw error;
      this.logger.warn(
        `SSO sign-in refused for tenant ${tenantId}: ${error.code}${error.check ? ` (${error.check})` : ''}`,
      );
      try {
        await this.em.fork().transactional(async (em) => {
          this.history.record(em, {
            tenantId,
            type: 'sso.refused',
            actorId: null,
            subjectUserId: error.userId ?? null,
            details: { reason: error.code, ...(error.check ? { check: error.check } : {}) },
          });
        });
      } catch (recording) {
        this.logger.error(`Could not record an SSO refusal: ${(recording as Error).name}`);
      }
      throw error;
    }
  }

  private async redeem(
    attempt: Attempt,
    query: string,
    meta: { ip: string; userAgent?: string; previousSecret?: string },
  ): Promise<string> {
    const params = new URLSearchParams(query);
    if (params.has('error')) throw new SsoFailure('sso_denied');
    const { sso, config } = await this.providerOf(attempt.t);
    let profile: Profile;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        config,
        new URL(`${this.providers.redirectUri}?${params.toString()}`),
        {
          pkceCodeVerifier: attempt.v,
          expectedState: attempt.s,
          expectedNonce: attempt.n,
          idTokenExpected: true,
        },
      );
      const claims = tokens.claims();
      if (!claims?.sub) throw new SsoFailure('sso_invalid');
      profile = { ...claims };
      if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
        try {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
          profile = { ...profile, ...info, sub: claims.sub };
        } catch {
          // The ID token's claims stand alone when the userinfo endpoint fails.
        }
      }
    } catch (error) {
      if (error instanceof SsoFailure) throw error;
      // Named, never dumped: the error could quote the provider's response.
      const e = error as { name?: string; code?: string; error?: string };
      this.logger.warn(
        `SSO sign-in refused for tenant ${attempt.t}: ${e.name ?? 'Error'} ${e.code ?? ''} ${e.error ?? ''}`.trim(),
      );
      throw new SsoFailure(
        isNetwork(error) ? 'sso_unavailable' : 'sso_invalid',
        isNetwork(error) ? undefined : failedCheck(error),
      );
    }
    const user = await this.resolveUser(attempt.t, sso, config.serverMetadata().issuer, profile);
    if (user.status !== 'active') throw new SsoFailure('sso_deactivated', undefined, user.id);
    const full = await this.users.findInTenant(attempt.t, user.id);
    return this.auth.startSession(full!, meta, 'sso');
  }

  private openAttempt(sealed: string | undefined): Attempt {
    const raw = sealed ? this.attempts.open(sealed) : null;
    if (!raw) throw new SsoFailure('sso_invalid');
    const attempt = JSON.parse(raw) as Attempt;
    if (!(attempt.e > Date.now())) throw new SsoFailure('sso_invalid');
    return attempt;
  }

  private async providerOf(
    tenantId: string,
  ): Promise<{ sso: TenantSso; config: oidc.Configuration }> {
    const sso = await this.repo.findByTenant(tenantId, true);
    const secret = sso?.clientSecretEncrypted
      ? this.admin.secrets.open(sso.clientSecretEncrypted, tenantId)
      : null;
    if (!sso?.enabled || secret === null) throw new SsoFailure('sso_not_configured');
    try {
      return { sso, config: await this.providers.discover(sso.issuer, sso.clientId, secret) };
    } catch {
      throw new SsoFailure('sso_unavailable');
    }
  }

  private async resolveUser(
    tenantId: string,
    sso: TenantSso,
    issuer: string,
    profile: Profile,
  ): Promise<User> {
    const now = this.clock.now();
    const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null;
    try {
      return await this.em.fork().transactional(async (em) => {
        const identity = await this.repo.findIdentity(em, tenantId, issuer, profile.sub);
        if (identity) {
          identity.email = email?.slice(0, 254) ?? identity.email;
          identity.lastSignInAt = now;
          return identity.user as User;
        }
        // Linking and creating trust only an address the provider verified, of an allowed domain.
        const domain = email?.split('@')[1];
        if (
          !email ||
          profile.email_verified !== true ||
          !domain ||
          !sso.allowedDomains.includes(domain)
        )
          throw new SsoFailure('sso_no_account');
        const matches = await this.repo.usersByEmail(em, tenantId, email);
        let user: User;
        if (matches.length === 1) {
          user = matches[0];
          if (user.status !== 'active') throw new SsoFailure('sso_deactivated', undefined, user.id);
          // Already linked to another account of this provider: never re-linked by e-mail.
          if (await this.repo.hasIdentityAt(em, user.id, issuer))
            throw new SsoFailure('sso_no_account');
        } else if (matches.length === 0 && sso.autoCreate) {
          user = em.create(User, {
            tenant: tenantId,
            username: await this.freeUsername(em, profile, email),
            email,
            displayName: displayNameOf(profile, email),
            role: sso.defaultRole,
            timeZone: 'UTC',
            passwordHash: null,
            status: 'active',
          });
          await em.flush();
          this.history.record(em, {
            tenantId,
            type: 'user.created',
            actorId: null,
            subjectUserId: user.id,
            details: { username: user.username, role: user.role, method: 'sso' },
          });
        } else {
          throw new SsoFailure('sso_no_account');
        }
        this.repo.addIdentity(em, {
          tenantId,
          userId: user.id,
          issuer,
          subject: profile.sub,
          email,
          at: now,
        });
        await em.flush();
        return user;
      });
    } catch (error) {
      // Two first sign-ins at once: the second finds the identity on a retry.
      if (error instanceof UniqueConstraintViolationException) throw new SsoFailure('sso_invalid');
      throw error;
    }
  }

  private async freeUsername(em: EntityManager, profile: Profile, email: string): Promise<string> {
    const preferred =
      typeof profile.preferred_username === 'string' ? profile.preferred_username.trim() : '';
    if (USERNAME_PATTERN.test(preferred) && !(await this.repo.usernameTaken(em, preferred)))
      return preferred;
    if (USERNAME_PATTERN.test(email) && !(await this.repo.usernameTaken(em, email))) return email;
    throw new SsoFailure('sso_no_account');
  }
}

function displayNameOf(profile: Profile, email: string): string {
  const name = typeof profile.name === 'string' ? profile.name.trim() : '';
  return (name || email).slice(0, DISPLAY_NAME_MAX);
}

/** Which check of the provider's answer an openid-client error is about (its cause chain). */
function failedCheck(error: unknown): SsoRefusalCheck {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const {
      claim,
      message,
      error: oauthError,
    } = e as {
      claim?: unknown;
      message?: unknown;
      error?: unknown;
    };
    if (claim === 'aud' || claim === 'azp') return 'aud';
    if (claim === 'iss') return 'iss';
    if (claim === 'nonce') return 'nonce';
    if (typeof message === 'string') {
      if (/signature verification failed|verification key/i.test(message)) return 'signature';
      if (/"state"/.test(message)) return 'state';
      if (/"iss"/.test(message)) return 'iss';
    }
    if (oauthError === 'invalid_grant') return 'code';
  }
  return 'other';
}

function isNetwork(error: unknown): boolean {
  for (let e: unknown = error, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    const name = (e as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
  }
  return false;
}
