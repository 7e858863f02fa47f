import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { SsoSettings, SsoTestResult, UpdateSsoRequest } from '@feedpass/contracts';
import type { TenantSso } from '@feedpass/domain';
import type { Caller } from '../auth/caller.js';
import { ApiException } from '../common/api-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { OidcProviders } from './oidc-providers.js';
import { SecretBox } from './secret-box.js';
import { TenantSsoRepository } from './tenant-sso.repository.js';

const invalid = (message: string) => new ApiException(400, 'invalid_sso', message);

/** What the admin page reads and writes: a tenant's SSO settings (the secret write-only). */
@Injectable()
export class SsoAdminService {
  readonly secrets: SecretBox;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: TenantSsoRepository,
    private readonly providers: OidcProviders,
    private readonly history: HistoryRecorder,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secrets = new SecretBox(config.ssoSecretKey, 'sso-client-secret');
  }

  async get(actor: Caller): Promise<SsoSettings> {
    return this.toSettings(await this.repo.findByTenant(actor.tenantId, true));
  }

  async update(actor: Caller, input: UpdateSsoRequest): Promise<SsoSettings> {
    const issuer = input.issuer.trim().replace(/\/+$/, '');
    this.providers.checkIssuer(issuer);
    if (input.clientSecret !== undefined && !input.clientSecret.trim())
      throw invalid('clientSecret must not be empty; leave it out to keep the stored one');
    const saved = await this.em.transactional(async (em) => {
      const existing = await this.repo.findByTenant(actor.tenantId, true);
      const hasSecret = input.clientSecret !== undefined || !!existing?.clientSecretEncrypted;
      if (input.enabled && !hasSecret)
        throw invalid('Enabling single sign-on needs the client secret');
      if (!input.passwordSignIn && !input.enabled)
        throw invalid('Password sign-in can be turned off only while single sign-on is enabled');
      const domains = [...new Set(input.allowedDomains.map((d) => d.trim().toLowerCase()))];
      const before = existing ? this.auditView(existing) : null;
      const row = this.repo.upsert(em, actor.tenantId, existing, {
        issuer,
        clientId: input.clientId.trim(),
        displayName: input.displayName.trim(),
        allowedDomains: domains,
        autoCreate: input.autoCreate,
        defaultRole: input.defaultRole,
        passwordSignIn: input.passwordSignIn,
        enabled: input.enabled,
        ...(input.clientSecret !== undefined
          ? { clientSecretEncrypted: this.secrets.seal(input.clientSecret, actor.tenantId) }
          : {}),
      });
      await em.flush();
      // The secret is never recorded: only that it changed.
      this.history.recordBy(em, actor, {
        type: 'sso.changed',
        details: {
          ...this.auditView(row),
          clientSecretChanged: input.clientSecret !== undefined,
          ...(before ? { before } : {}),
        },
      });
      return row;
    });
    return this.toSettings(saved);
  }

  async test(actor: Caller, issuerOverride?: string): Promise<SsoTestResult> {
    const saved = await this.repo.findByTenant(actor.tenantId);
    const issuer = (issuerOverride ?? saved?.issuer)?.trim().replace(/\/+$/, '');
    if (!issuer) throw invalid('No issuer to test: give one or save the settings first');
    const config = await this.providers.discover(issuer, saved?.clientId ?? 'feedpass-test');
    const meta = config.serverMetadata();
    return {
      issuer: meta.issuer,
      authorizationEndpoint: meta.authorization_endpoint ?? '',
      tokenEndpoint: meta.token_endpoint ?? '',
      jwksUri: meta.jwks_uri ?? null,
      userinfoEndpoint: meta.userinfo_endpoint ?? null,
      pkceS256: meta.supportsPKCE('S256'),
    };
  }

  private auditView(row: TenantSso) {
    return {
      issuer: row.issuer,
      clientId: row.clientId,
      displayName: row.displayName,
      allowedDomains: row.allowedDomains,
      autoCreate: row.autoCreate,
      defaultRole: row.defaultRole,
      passwordSignIn: row.passwordSignIn,
      enabled: row.enabled,
    };
  }

  private toSettings(row: TenantSso | null): SsoSettings {
    return {
      issuer: row?.issuer ?? '',
      clientId: row?.clientId ?? '',
      clientSecretSet: !!row?.clientSecretEncrypted,
      displayName: row?.displayName ?? '',
      allowedDomains: row?.allowedDomains ?? [],
      autoCreate: row?.autoCreate ?? false,
      defaultRole: row?.defaultRole ?? 'user',
      passwordSignIn: row?.passwordSignIn ?? true,
      enabled: row?.enabled ?? false,
      redirectUri: this.providers.redirectUri,
      updatedAt: row ? row.updatedAt.toISOString() : null,
    };
  }
}
