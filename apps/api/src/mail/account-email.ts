import type { MailMessage } from './mailer.js';
import { escapeHtml, formatExpiry, type Recipient } from './notice-email.js';

export type AccountEmailKind = 'invitation' | 'password_reset';

/** Where each kind of link lands in the portal; the secret rides in the fragment. */
const PAGES: Record<AccountEmailKind, string> = {
  invitation: 'accept-invite',
  password_reset: 'reset-password',
};

export function accountLink(publicUrl: string, kind: AccountEmailKind, secret: string): string {
  return `${publicUrl}/${PAGES[kind]}#${secret}`;
}

/**
 * The invitation or password-reset email: the one-time link and when it stops working, in
 * the recipient's time zone. It never carries a password.
 */
export function accountEmail(
  kind: AccountEmailKind,
  recipient: Recipient,
  link: string,
  expiresAt: Date,
): MailMessage {
  const until = `${formatExpiry(expiresAt, recipient.timeZone)} (times in ${recipient.timeZone})`;
  const invitation = kind === 'invitation';
  const subject = invitation
    ? 'You are invited to feedpass: set your password'
    : 'Reset your feedpass password';
  const intro = invitation
    ? `You have been invited to feedpass. Your username is "${recipient.username}". Set your password with this link:`
    : `Someone (hopefully you) asked to reset the password of the feedpass account "${recipient.username}". Choose a new password with this link:`;
  const after = invitation
    ? 'The link works once.'
    : 'The link works once; using it signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.';
  const text = [
    `Hello ${recipient.displayName},`,
    '',
    intro,
    '',
    link,
    '',
    `It works until ${until}. ${after}`,
    '',
    '— feedpass',
  ].join('\n');
  const html =
    `<p>Hello ${escapeHtml(recipient.displayName)},</p>` +
    `<p>${escapeHtml(intro)}</p>` +
    `<p><a href="${escapeHtml(link)}">${invitation ? 'Set your password' : 'Choose a new password'}</a></p>` +
    `<p>It works until ${escapeHtml(until)}. ${escapeHtml(after)}</p><p>— feedpass</p>`;
  return { to: recipient.email, subject, text, html };
}
