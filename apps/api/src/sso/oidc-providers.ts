import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ApiException } from '../common/api-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const DISCOVERY_TIMEOUT_SECONDS = 5;

/** Why an issuer URL is not acceptable, or null when it is (https; loopback http outside production). */
export function issuerProblem(issuer: string, allowLoopbackHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'issuer must be an absolute URL such as https://login.example.com';
  }
  if (url.username || url.password) return 'issuer must not carry credentials';
  if (url.search || url.hash) return 'issuer must not have a query or fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(url.hostname)) return null;
  return allowLoopbackHttp
    ? 'issuer must use https:// (or http:// on a loopback address)'
    : 'issuer must use https://';
}

export const issuerUnreachable = () =>
  new ApiException(
    400,
    'sso_issuer_unreachable',
    "The identity provider's discovery document could not be fetched; check the issuer URL and that the provider is up",
  );

/**
 * The relying party's view of one provider: discovery through openid-client, with http
 * allowed only for a loopback issuer outside production. Errors never carry the secret
 * or the provider's own error text.
 */
@Injectable()
export class OidcProviders {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get redirectUri(): string {
    return `${this.config.publicUrl}/api/auth/oidc/callback`;
  }

  checkIssuer(issuer: string): void {
    const problem = issuerProblem(issuer, this.config.ssoAllowLoopbackHttp);
    if (problem) throw new ApiException(400, 'invalid_sso', problem);
  }

  /** Discovery; `sso_issuer_unreachable` (down, not found) or `invalid_sso` (not a provider). */
  async discover(
    issuer: string,
    clientId: string,
    clientSecret?: string,
  ): Promise<oidc.Configuration> {
    this.checkIssuer(issuer);
    const insecure = new URL(issuer).protocol === 'http:';
    try {
      return await oidc.discovery(
        new URL(issuer),
        clientId,
        undefined,
        clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
        {
          timeout: DISCOVERY_TIMEOUT_SECONDS,
          // ID tokens' signatures are checked against the provider's JWKS too, not only
          // trusted for coming over TLS (openid-client skips that check by default).
          execute: insecure
            ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks]
            : [oidc.enableNonRepudiationChecks],
        },
      );
    } catch (error) {
      if (isUnreachable(error)) throw issuerUnreachable();
      throw new ApiException(
        400,
        'invalid_sso',
        'The issuer did not publish a valid OpenID Connect discovery document for this issuer URL',
      );
    }
  }
}

function isUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const name = (e as { name?: string }).name;
    const code = (e as { code?: string }).code;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    if (
      code &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_.*)$/.test(code)
    )
      return true;
    if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return true;
  }
  return false;
}
