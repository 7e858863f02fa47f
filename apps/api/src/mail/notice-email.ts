import type { MailMessage } from './mailer.js';
import {
  noticeKind,
  noticeKindPrefix,
  type LeakedDetails,
  type RejectedDetails,
  type UnusedBeforeDetails,
  type UnusedDetails,
} from './notice-kinds.js';

export interface NoticeLine {
  tokenId: string;
  label: string;
  /** A kind of notice-kinds.ts: `before:7`, `expired`, `shortened:<iso>`, `rejected:<day>` … */
  kind: string;
  expiresAt: Date | null;
  /** token_notice.details: what the kind says beyond the token. */
  details?: Record<string, unknown> | null;
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

/** "3 days", or "5 hours" under a day: the time left until `at`. */
function timeLeft(at: Date, now: Date): string {
  const left = at.getTime() - now.getTime();
  return left >= 24 * HOUR
    ? plural(Math.round(left / (24 * HOUR)), 'day')
    : plural(Math.max(1, Math.round(left / HOUR)), 'hour');
}

/** Power Query's User-Agent, as people know it. */
const clientName = (client: string | null) =>
  !client
    ? 'an unknown client'
    : client.startsWith('Microsoft.Data.Mashup')
      ? 'Power BI / Excel'
      : client;

/**
 * How a notice reads. `family` decides the advice at the end of the email: `expiry` (the
 * token stops working: rotate it), `revoked` (it is gone: make a new one), `warning` (it
 * still works: nothing breaks unless you let it happen).
 */
interface Wording {
  family: 'expiry' | 'revoked' | 'warning';
  /** After the quoted label: "expires in 3 days". */
  headline: string;
  /** After the quoted label in a one-token subject: "expires soon". */
  subject: string;
  /** Further lines under it (times, where it was used or found). */
  facts: string[];
  /** The link: its target, its words in the plain-text part and in the HTML part. */
  link: { url: string; text: string; html: string };
}

type Wordings = (line: NoticeLine, ctx: RenderContext) => Wording;

interface RenderContext {
  now: Date;
  when: (date: Date) => string;
  rotateUrl: string;
  tokensUrl: string;
}

const details = <T>(line: NoticeLine) => (line.details ?? {}) as Partial<T>;
const dateOf = (iso: unknown) => (typeof iso === 'string' ? new Date(iso) : null);

const rotateLink = (line: NoticeLine, ctx: RenderContext) => ({
  url: ctx.rotateUrl,
  text: 'Rotate it',
  html: `Rotate “${line.label}”`,
});
const createLink = (ctx: RenderContext) => ({
  url: ctx.tokensUrl,
  text: 'Create a new token',
  html: 'Create a new token',
});

function expiryWording(line: NoticeLine, ctx: RenderContext): Wording {
  const rotate = rotateLink(line, ctx);
  const expiresAt = line.expiresAt ?? ctx.now;
  if (line.kind === noticeKind.expired || expiresAt <= ctx.now) {
    return {
      family: 'expiry',
      headline: 'has expired',
      subject: 'has expired',
      facts: [`Expired ${ctx.when(expiresAt)}`],
      link: rotate,
    };
  }
  const left = timeLeft(expiresAt, ctx.now);
  return {
    family: 'expiry',
    headline: line.kind.startsWith(noticeKindPrefix.shortened)
      ? `now expires sooner, in ${left}: your admin shortened it under a new policy`
      : `expires in ${left}`,
    subject: 'expires soon',
    facts: [`Expires ${ctx.when(expiresAt)}`],
    link: rotate,
  };
}

/** The kinds that carry their occasion after a prefix (`rejected:<day>` …). */
const BY_PREFIX: [prefix: string, wording: Wordings][] = [
  [
    noticeKindPrefix.rejected,
    (line, ctx) => {
      const d = details<RejectedDetails>(line);
      const at = dateOf(d.at) ?? ctx.now;
      const revoked = d.reason === 'revoked';
      return {
        family: revoked ? 'revoked' : 'expiry',
        headline: `was refused: it ${revoked ? 'is revoked' : 'has expired'}, so a refresh that uses it is failing now`,
        subject: 'was refused: a refresh is failing',
        facts: [
          `Refused ${ctx.when(at)}, from ${d.ip ?? 'an unknown address'} (${clientName(d.client ?? null)})`,
        ],
        link: revoked ? createLink(ctx) : rotateLink(line, ctx),
      };
    },
  ],
  [
    noticeKindPrefix.unusedBefore,
    (line, ctx) => {
      const d = details<UnusedBeforeDetails>(line);
      const revokesAt = dateOf(d.revokesAt) ?? ctx.now;
      const lastUsed = dateOf(d.lastUsedAt);
      return {
        family: 'warning',
        headline: `will be revoked in ${timeLeft(revokesAt, ctx.now)} because nobody has used it`,
        subject: 'will be revoked soon: it is not used',
        facts: [
          lastUsed ? `Last used ${ctx.when(lastUsed)}` : 'Never used since it was created',
          `Revoked ${ctx.when(revokesAt)} unless a refresh uses it before then`,
        ],
        link: { url: ctx.tokensUrl, text: 'Your tokens', html: 'Your tokens' },
      };
    },
  ],
];

/** The kinds that are one word, matched exactly. The expiry kinds are {@link expiryWording}. */
const BY_KIND = new Map<string, Wordings>([
  [
    noticeKind.unused,
    (line, ctx) => {
      const d = details<UnusedDetails>(line);
      const lastUsed = dateOf(d.lastUsedAt);
      return {
        family: 'revoked',
        headline: `was revoked: unused for ${plural(d.days ?? 0, 'day')}, your tenant's limit`,
        subject: 'was revoked: it was not used',
        facts: [lastUsed ? `Last used ${ctx.when(lastUsed)}` : 'Never used since it was created'],
        link: createLink(ctx),
      };
    },
  ],
  [
    noticeKind.leaked,
    (line, ctx) => {
      const d = details<LeakedDetails>(line);
      return {
        family: 'revoked',
        headline: 'was revoked: GitHub secret scanning found it in public',
        subject: 'was revoked: it was found in public',
        facts: [
          `Found at ${d.url || 'a public GitHub location'}${d.source ? ` (${d.source})` : ''}`,
        ],
        link: createLink(ctx),
      };
    },
  ],
]);

function wordingOf(line: NoticeLine, ctx: RenderContext): Wording {
  const wording =
    BY_KIND.get(line.kind) ?? BY_PREFIX.find(([prefix]) => line.kind.startsWith(prefix))?.[1];
  return wording ? wording(line, ctx) : expiryWording(line, ctx);
}

/** The advice after the list, for each family present. Plain-text paragraphs. */
function advice(families: Set<Wording['family']>, username: string, leaked: boolean): string[][] {
  const paragraphs: string[][] = [];
  const credentials =
    'In the Power BI service, open the dataset Settings > Data source credentials > Edit, ' +
    `choose Basic, enter your username "${username}" and paste the new token as the password. ` +
    'In Power BI Desktop: File > Options and settings > Data source settings.';
  if (families.has('expiry')) {
    paragraphs.push([
      'What breaks: once a token has expired, every Power BI refresh that uses it fails with ' +
        '401 Unauthorized, in Power BI Desktop and in the Power BI service (scheduled refresh).',
    ]);
    paragraphs.push([
      'How to recover:',
      '1. Open the Rotate link above. feedpass mints a replacement with the same label under ' +
        'the current policy, revokes the old token, and shows you the new value once.',
      `2. ${credentials}`,
    ]);
  }
  if (families.has('revoked')) {
    paragraphs.push([
      'A revoked token never works again: every Power BI refresh that uses it fails with ' +
        '401 Unauthorized. To recover, create a new token in feedpass (its value is shown once), then:',
      credentials,
    ]);
  }
  if (leaked) {
    paragraphs.push([
      'A token found in public must be treated as known to others. Remove it from the place it ' +
        'was found (and from that repository’s history), and check its last uses on your tokens page.',
    ]);
  }
  if (families.has('warning') && paragraphs.length === 0) {
    paragraphs.push([
      'Nothing breaks yet. A token your refreshes still need stays valid as long as it is used; ' +
        'a token you no longer need can simply be left to go, or revoked now.',
    ]);
  }
  return paragraphs;
}

function subjectOf(lines: NoticeLine[], wordings: Wording[]): string {
  if (lines.length === 1) {
    return `Your feedpass access token "${lines[0].label}" ${wordings[0].subject}`;
  }
  const all = (subject: string) => wordings.every((w) => w.subject === subject);
  if (all('has expired')) return `${lines.length} of your feedpass access tokens have expired`;
  if (wordings.every((w) => w.subject.startsWith('was revoked'))) {
    return `${lines.length} of your feedpass access tokens were revoked`;
  }
  return `${lines.length} of your feedpass access tokens need attention`;
}

/**
 * One email per owner per run, listing every token concerned: label, what happened or will
 * happen with its exact time in the owner's time zone, where it was used or found, what
 * breaks, and a link that opens Rotate for that token (or the tokens page, for a token that
 * cannot be rotated). It never contains a token value (there is none to put in).
 */
export function noticeEmail(
  recipient: Recipient,
  lines: NoticeLine[],
  publicUrl: string,
  now: Date,
): MailMessage {
  const tokensUrl = `${publicUrl}/tokens`;
  const wordings = lines.map((line) =>
    wordingOf(line, {
      now,
      when: (date) => formatExpiry(date, recipient.timeZone),
      rotateUrl: `${tokensUrl}?rotate=${encodeURIComponent(line.tokenId)}`,
      tokensUrl,
    }),
  );
  const families = new Set(wordings.map((w) => w.family));
  const paragraphs = advice(
    families,
    recipient.username,
    lines.some((l) => l.kind === noticeKind.leaked),
  );

  const text = [
    `Hello ${recipient.displayName},`,
    '',
    'These feedpass access tokens need your attention:',
    '',
    ...lines.flatMap((l, i) => [
      `* "${l.label}" ${wordings[i].headline}`,
      ...wordings[i].facts.map((fact) => `  ${fact}`),
      `  ${wordings[i].link.text}: ${wordings[i].link.url}`,
      '',
    ]),
    ...paragraphs.flatMap((p) => [...p, '']),
    `Times are shown in ${recipient.timeZone}.`,
    '',
    '— feedpass',
  ].join('\n');

  const items = lines
    .map((l, i) => {
      const w = wordings[i];
      const facts = w.facts.map((fact) => `<br>${escapeHtml(fact)}`).join('');
      return (
        `<li><strong>${escapeHtml(l.label)}</strong> ${escapeHtml(w.headline)}${facts}<br>` +
        `<a href="${escapeHtml(w.link.url)}">${escapeHtml(w.link.html)}</a></li>`
      );
    })
    .join('');
  const html =
    `<p>Hello ${escapeHtml(recipient.displayName)},</p>` +
    `<p>These feedpass access tokens need your attention:</p><ul>${items}</ul>` +
    paragraphs.map((p) => `<p>${p.map(escapeHtml).join('<br>')}</p>`).join('') +
    `<p>Times are shown in ${escapeHtml(recipient.timeZone)}.</p><p>— feedpass</p>`;
  return { to: recipient.email, subject: subjectOf(lines, wordings), text, html };
}
