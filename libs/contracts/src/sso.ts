import type { Role } from './users.js';

/**
 * `GET /api/admin/sso`: the tenant's OpenID Connect single sign-on. The client secret is
 * write-only: only whether one is set is ever returned.
 */
export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  /** The text of the sign-in button ("Sign in with Contoso"). */
  displayName: string;
  /** E-mail domains whose verified addresses may link to or create a user. */
  allowedDomains: string[];
  autoCreate: boolean;
  defaultRole: Role;
  /** false: the tenant's users may sign in only through SSO (access tokens still work). */
  passwordSignIn: boolean;
  enabled: boolean;
  /** What to register with the provider: `{PUBLIC_URL}/api/auth/oidc/callback`. */
  redirectUri: string;
  /** Null until configured. */
  updatedAt: string | null;
}

/**
 * `PUT /api/admin/sso`. `clientSecret` left out keeps the stored one; an empty string is
 * refused. Enabling needs a secret; turning password sign-in off needs SSO enabled.
 */
export interface UpdateSsoRequest {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  displayName: string;
  allowedDomains: string[];
  autoCreate: boolean;
  defaultRole: Role;
  passwordSignIn: boolean;
  enabled: boolean;
}

/** `POST /api/admin/sso/test {issuer?}` (default: the saved issuer): what discovery found. */
export interface SsoTestRequest {
  issuer?: string;
}

export interface SsoTestResult {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string | null;
  userinfoEndpoint: string | null;
  pkceS256: boolean;
}

/** How to sign in through a tenant's SSO (`startUrl` is relative to the portal's origin). */
export interface SsoButton {
  tenant: string;
  displayName: string;
  startUrl: string;
}

/**
 * `GET /api/auth/sign-in-options?username=`: what the username-first sign-in page offers.
 * An unknown username answers like a user of a password-only tenant.
 */
export interface SignInOptions {
  password: boolean;
  sso: SsoButton | null;
}

/** `GET /api/auth/tenants/:slug`: the public sign-in page `/t/{slug}`. */
export interface TenantSignIn {
  slug: string;
  name: string;
  password: boolean;
  sso: SsoButton | null;
}

/**
 * The short codes the SSO callback puts in `?sso_error=` of the sign-in page it redirects
 * to after a failed SSO sign-in (never a secret or a token).
 */
export const SSO_ERROR_CODES = [
  /** The tenant has no enabled SSO (or no such tenant). */
  'sso_not_configured',
  /** The provider could not be reached or answered nonsense. */
  'sso_unavailable',
  /** The sign-in attempt was missing, expired, forged or replayed (state, nonce, code). */
  'sso_invalid',
  /** The provider refused or the user cancelled there. */
  'sso_denied',
  /** No user matches and none may be linked or created (domain, verification, autoCreate). */
  'sso_no_account',
  /** The matching user is deactivated. */
  'sso_deactivated',
] as const;
export type SsoErrorCode = (typeof SSO_ERROR_CODES)[number];

/** The query parameter of the sign-in page that carries an `SsoErrorCode`. */
export const SSO_ERROR_PARAM = 'sso_error';
