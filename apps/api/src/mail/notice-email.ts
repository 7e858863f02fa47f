import type { MailMessage } from './mailer.js';

export interface NoticeLine {
  tokenId: string;
  label: string;
  /** `before:7`, `expired`, `shortened:<iso>` … */
  kind: string;
  expiresAt: Date;
}

export interface Recipient {
  email: string;
  displayName: string;
  username: string;
  timeZone: string;
}

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** "Tuesday, 1 December 2026 at 09:00 CET" in the owner's zone, exact to the minute. */
const formats = new Map<string, Intl.DateTimeFormat>();

export function formatExpiry(date: Date, timeZone: string): string {
  // Building a formatter costs far more than using one: keep one per zone.
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone });
    formats.set(timeZone, format);
  }
  return format.format(date);
}

const HOUR = 60 * 60 * 1000;
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** What happens to the token, with the time actually left when the email goes out. */
function headline(line: NoticeLine, now: Date): string {
  if (line.kind === 'expired' || line.expiresAt <= now) return 'has expired';
  const left = line.expiresAt.getTime() - now.getTime();
  const when =
    left >= 24 * HOUR
      ? plural(Math.round(left / (24 * HOUR)), 'day')
      : plural(Math.max(1, Math.round(left / HOUR)), 'hour');
  if (line.kind.startsWith('shortened:'))
    return `now expires sooner, in ${when}: your admin shortened it under a new policy`;
  return `expires in ${when}`;
}

/**
 * One email per owner per run, listing every token concerned: label, exact expiry in the
 * owner's time zone, what breaks, and a link that opens Rotate for that token. It never
 * contains a token value (there is none to put in).
 */
export function noticeEmail(
  recipient: Recipient,
  lines: NoticeLine[],
  publicUrl: string,
  now: Date,
): MailMessage {
  const expired = lines.filter((l) => l.expiresAt <= now).length;
  const subject =
    lines.length === 1
      ? `Your feedpass access token "${lines[0].label}" ${expired ? 'has expired' : 'expires soon'}`
      : `${lines.length} of your feedpass access tokens ${expired === lines.length ? 'have expired' : 'need attention'}`;
  const rotateUrl = (l: NoticeLine) =>
    `${publicUrl}/tokens?rotate=${encodeURIComponent(l.tokenId)}`;
  const when = (l: NoticeLine) =>
    `${l.expiresAt <= now ? 'Expired' : 'Expires'} ${formatExpiry(l.expiresAt, recipient.timeZone)}`;

  const text = [
    `Hello ${recipient.displayName},`,
    '',
    'These feedpass access tokens need your attention:',
    '',
    ...lines.flatMap((l) => [
      `* "${l.label}" ${headline(l, now)}`,
      `  ${when(l)}`,
      `  Rotate it: ${rotateUrl(l)}`,
      '',
    ]),
    'What breaks: once a token has expired, every Power BI refresh that uses it fails with',
    '401 Unauthorized, in Power BI Desktop and in the Power BI service (scheduled refresh).',
    '',
    'How to recover:',
    '1. Open the Rotate link above. feedpass mints a replacement with the same label under',
    '   the current policy, revokes the old token, and shows you the new value once.',
    '2. In the Power BI service, open the dataset Settings > Data source credentials > Edit,',
    `   choose Basic, enter your username "${recipient.username}" and paste the new token as the`,
    '   password. In Power BI Desktop: File > Options and settings > Data source settings.',
    '',
    `Times are shown in ${recipient.timeZone}.`,
    '',
    '— feedpass',
  ].join('\n');

  const items = lines
    .map(
      (l) =>
        `<li><strong>${escapeHtml(l.label)}</strong> ${escapeHtml(headline(l, now))}<br>${escapeHtml(when(l))}<br>` +
        `<a href="${escapeHtml(rotateUrl(l))}">Rotate “${escapeHtml(l.label)}”</a></li>`,
    )
    .join('');
  const html =
    `<p>Hello ${escapeHtml(recipient.displayName)},</p>` +
    `<p>These feedpass access tokens need your attention:</p><ul>${items}</ul>` +
    '<p><strong>What breaks:</strong> once a token has expired, every Power BI refresh that uses it fails with ' +
    '<code>401 Unauthorized</code>, in Power BI Desktop and in the Power BI service (scheduled refresh).</p>' +
    '<p><strong>How to recover:</strong></p><ol>' +
    '<li>Open the Rotate link. feedpass mints a replacement with the same label under the current policy, ' +
    'revokes the old token, and shows you the new value once.</li>' +
    '<li>In the Power BI service, open the dataset <em>Settings → Data source credentials → Edit</em>, choose ' +
    `<em>Basic</em>, enter your username <code>${escapeHtml(recipient.username)}</code> and paste the new token as the password. ` +
    'In Power BI Desktop: <em>File → Options and settings → Data source settings</em>.</li></ol>' +
    `<p>Times are shown in ${escapeHtml(recipient.timeZone)}.</p><p>— feedpass</p>`;
  return { to: recipient.email, subject, text, html };
}
