import { noticeKind } from './notice-kinds.js';
import { noticeEmail, type NoticeLine, type Recipient } from './notice-email.js';

const NOW = new Date('2026-12-01T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const URL = 'https://feedpass.example';
const OWNER: Recipient = {
  email: 'bob@example.test',
  displayName: 'Bob',
  username: 'bob',
  timeZone: 'Europe/Zurich',
};
const line = (extra: Partial<NoticeLine>): NoticeLine => ({
  tokenId: '00000000-0000-4000-8000-000000000001',
  label: 'Sales refresh',
  kind: noticeKind.before(7),
  expiresAt: new Date(NOW.getTime() + 7 * DAY),
  details: null,
  ...extra,
});
const render = (...lines: NoticeLine[]) => noticeEmail(OWNER, lines, URL, NOW);
const whole = (mail: { subject: string; text: string; html?: string }) =>
  `${mail.subject}\n${mail.text}\n${mail.html}`;

describe('noticeEmail', () => {
  it('an expiry warning: subject, time left, exact time in the owner zone, the rotate link, what breaks', () => {
    const mail = render(line({}));
    expect(mail.subject).toBe('Your feedpass access token "Sales refresh" expires soon');
    expect(mail.text).toContain('"Sales refresh" expires in 7 days');
    expect(mail.text).toContain('Expires Tuesday, 8 December 2026 at 10:00:00 CET');
    expect(mail.text).toContain(`Rotate it: ${URL}/tokens?rotate=${line({}).tokenId}`);
    expect(mail.html).toContain(`href="${URL}/tokens?rotate=${line({}).tokenId}"`);
    expect(mail.text).toContain('401 Unauthorized');
  });

  it('a refused use: when, from which address and client (Power Query by name), why, and the rotate link for an expired token', () => {
    const mail = render(
      line({
        kind: noticeKind.rejected(NOW),
        expiresAt: new Date(NOW.getTime() - DAY),
        details: {
          at: NOW.toISOString(),
          ip: '203.0.113.7',
          client: 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
          reason: 'expired',
        },
      }),
    );
    expect(mail.subject).toBe(
      'Your feedpass access token "Sales refresh" was refused: a refresh is failing',
    );
    expect(mail.text).toContain('"Sales refresh" was refused: it has expired');
    expect(mail.text).toContain(
      'Refused Tuesday, 1 December 2026 at 10:00:00 CET, from 203.0.113.7 (Power BI / Excel)',
    );
    expect(mail.text).toContain(`Rotate it: ${URL}/tokens?rotate=`);
  });

  it('a refused use of a revoked token links to the tokens page (a revoked token cannot be rotated)', () => {
    const mail = render(
      line({
        kind: noticeKind.rejected(NOW),
        details: { at: NOW.toISOString(), ip: '::1', client: 'curl/8.5', reason: 'revoked' },
      }),
    );
    expect(mail.text).toContain('was refused: it is revoked');
    expect(mail.text).toContain('(curl/8.5)');
    expect(mail.text).toContain(`Create a new token: ${URL}/tokens\n`);
    expect(mail.text).not.toContain('?rotate=');
  });

  it('an unused-token warning and revocation say when, since when, and the tenant limit', () => {
    const warning = render(
      line({
        kind: noticeKind.unusedBefore(7, new Date(NOW.getTime() - 83 * DAY)),
        details: { revokesAt: new Date(NOW.getTime() + 7 * DAY).toISOString(), lastUsedAt: null },
      }),
    );
    expect(warning.subject).toBe(
      'Your feedpass access token "Sales refresh" will be revoked soon: it is not used',
    );
    expect(warning.text).toContain('will be revoked in 7 days because nobody has used it');
    expect(warning.text).toContain('Never used since it was created');
    expect(warning.text).toContain('Nothing breaks yet');

    const revoked = render(
      line({
        kind: noticeKind.unused,
        details: { lastUsedAt: new Date(NOW.getTime() - 90 * DAY).toISOString(), days: 90 },
      }),
    );
    expect(revoked.text).toContain("was revoked: unused for 90 days, your tenant's limit");
    expect(revoked.text).toContain('Last used Wednesday, 2 September 2026');
    expect(revoked.text).toContain('A revoked token never works again');
  });

  it('a leak: where it was found, what to do, and the HTML escapes the URL', () => {
    const mail = render(
      line({
        kind: noticeKind.leaked,
        details: { url: 'https://github.com/o/r/blob/x/a.pq?<b>', source: 'content' },
      }),
    );
    expect(mail.subject).toBe(
      'Your feedpass access token "Sales refresh" was revoked: it was found in public',
    );
    expect(mail.text).toContain('Found at https://github.com/o/r/blob/x/a.pq?<b> (content)');
    expect(mail.html).toContain('a.pq?&lt;b&gt;');
    expect(mail.text).toContain('Remove it from the place it was found');
  });

  it('several tokens in one email: one line each, one subject', () => {
    const mail = render(
      line({ label: 'A', kind: noticeKind.leaked, details: { url: null, source: null } }),
      line({ label: 'B', kind: noticeKind.unused, details: { lastUsedAt: null, days: 30 } }),
    );
    expect(mail.subject).toBe('2 of your feedpass access tokens were revoked');
    expect(whole(mail)).toContain('"A" was revoked: GitHub secret scanning');
    expect(whole(mail)).toContain('"B" was revoked: unused for 30 days');
  });
});
