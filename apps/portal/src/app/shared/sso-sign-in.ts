import { SSO_ERROR_CODES, type SsoErrorCode } from '@feedpass/contracts';

/**
 * The text of a tenant's SSO button. The admin may have typed the whole line ("Sign in with
 * Contoso") or only the provider's name ("Contoso").
 */
export function ssoButtonText(displayName: string): string {
  const name = displayName.trim();
  return /^(sign|log) ?in\b/i.test(name) ? name : `Sign in with ${name}`;
}

const SSO_ERRORS: Record<SsoErrorCode, string> = {
  sso_not_configured:
    'Single sign-on is not set up for your organisation. Sign in with your password, or ask your administrator.',
  sso_unavailable:
    'Your organisation’s sign-in service could not be reached. Try again in a few minutes.',
  sso_invalid: 'The single sign-on attempt expired or was interrupted. Please try again.',
  sso_denied: 'Sign-in was cancelled or refused at your organisation’s sign-in service.',
  sso_no_account:
    'There is no feedpass account for you, and none could be created. Ask your administrator to invite you.',
  sso_deactivated: 'Your feedpass account has been deactivated. Ask your administrator.',
};

/** Plain words for the `?sso_error=` code the SSO callback sends back; null without a code. */
export function ssoErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return (SSO_ERROR_CODES as readonly string[]).includes(code)
    ? SSO_ERRORS[code as SsoErrorCode]
    : 'Single sign-on did not work. Please try again.';
}

/** What a password attempt answers when the tenant lets its users in only through SSO. */
export const SSO_REQUIRED_MESSAGE =
  'Your organisation signs in with single sign-on. Use its sign-in button instead of a password.';
