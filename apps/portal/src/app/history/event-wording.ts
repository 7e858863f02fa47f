import type { EventType, HistoryEvent, RevokeReason } from '@feedpass/contracts';
import { tokenScopeText } from '../shared/token-client';

/** How the portal names each event type. */
export const EVENT_WORDING: Record<EventType, string> = {
  'token.created': 'Token created',
  'token.label_changed': 'Token label changed',
  'token.revoked': 'Token revoked',
  'token.expired': 'Token expired',
  'token.expiry_shortened': 'Token expiry shortened',
  'token.expiry_notice_sent': 'Expiry notice sent',
  'token.rejected': 'Expired or revoked token used',
  'policy.changed': 'Expiry policy changed',
  'user.created': 'User created',
  'user.deactivated': 'User deactivated',
  'user.reactivated': 'User reactivated',
  'user.updated': 'User updated',
  'user.invited': 'User invited',
  'user.password_changed': 'Password changed',
  'user.password_reset': 'Password reset',
  'user.signed_in': 'Signed in',
  'sso.changed': 'Single sign-on settings changed',
  'sso.refused': 'Single sign-on refused',
  'data_source.created': 'Data source created',
  'data_source.shared': 'Data source shared',
  'data_source.unshared': 'Data source unshared',
  'data_source.deleted': 'Data source deleted',
  'data_source.updated': 'Data source updated',
  'data_source.cloned': 'Data source cloned',
  'data_source.transferred': 'Data source transferred',
};

const REVOKE_REASONS: Record<RevokeReason, string> = {
  user: 'Revoked by its owner',
  revoke_all: 'Revoke all',
  rotated: 'Replaced by rotation',
  unused: 'Not used for too long (tenant policy)',
  leaked: 'Found in public by secret scanning',
};

/** The wording of an event type (the raw type for one this portal does not know yet). */
export function eventName(type: EventType): string {
  return EVENT_WORDING[type] ?? type;
}

/**
 * A short note from the details the API records; details this portal does not know are left
 * out rather than dumped. `formatDate` shows an ISO instant in the user's time zone.
 */
export function eventNote(event: HistoryEvent, formatDate: (iso: string) => string): string {
  const details = event.details ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : '');
  switch (event.type) {
    case 'token.revoked': {
      const reason = text('reason');
      return reason in REVOKE_REASONS ? REVOKE_REASONS[reason as RevokeReason] : '';
    }
    case 'token.created': {
      const notes = [details['rotatedFrom'] ? 'Replaces a rotated token' : '', scopeNote(details)];
      return notes.filter(Boolean).join('; ');
    }
    case 'token.label_changed':
      return text('from') ? `Was “${text('from')}”` : '';
    case 'token.expiry_shortened':
      return text('to') ? `Now expires ${formatDate(text('to'))}` : '';
    case 'data_source.created':
    case 'data_source.deleted':
      return text('name');
    case 'data_source.shared':
    case 'data_source.unshared':
      return text('name') && text('with') ? `${text('name')} with ${text('with')}` : text('name');
    case 'data_source.updated':
      return withName(text('name'), updateNote(details['changes']));
    case 'data_source.cloned': {
      const from = record(details['from']);
      const fromName = typeof from['name'] === 'string' ? from['name'] : '';
      return withName(text('name'), fromName ? `Cloned from ${fromName}` : '');
    }
    case 'data_source.transferred':
      return withName(
        text('name'),
        text('from') && text('to') ? `Transferred from ${text('from')} to ${text('to')}` : '',
      );
    default:
      return '';
  }
}

function withName(name: string, note: string): string {
  return name && note ? `${name} — ${note}` : name || note;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** "name: A → B; tables: +contacts −deals; row filter of deals changed". */
function updateNote(value: unknown): string {
  const changes = record(value);
  const parts: string[] = [];
  const name = record(changes['name']);
  if (typeof name['from'] === 'string' && typeof name['to'] === 'string')
    parts.push(`name: ${name['from']} → ${name['to']}`);
  const tables = record(changes['tables']);
  if (changes['tables']) {
    const from = strings(tables['from']);
    const to = strings(tables['to']);
    const added = to.filter((t) => !from.includes(t)).map((t) => `+${t}`);
    const removed = from.filter((t) => !to.includes(t)).map((t) => `−${t}`);
    if (added.length || removed.length) parts.push(`tables: ${[...added, ...removed].join(' ')}`);
  }
  const filters = record(changes['rowFilters']);
  if (changes['rowFilters']) {
    const from = record(filters['from']);
    const to = record(filters['to']);
    const names = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const table of names) {
      if (!(table in from)) parts.push(`row filter of ${table} added`);
      else if (!(table in to)) parts.push(`row filter of ${table} removed`);
      else if (from[table] !== to[table]) parts.push(`row filter of ${table} changed`);
    }
  }
  return parts.join('; ');
}

/** `token.created`'s scope: only a token limited to some data sources is worth a note. */
function scopeNote(details: Record<string, unknown>): string {
  const scope = record(details['scope']);
  if (scope['kind'] !== 'data_sources' || !Array.isArray(scope['dataSources'])) return '';
  const dataSources = (scope['dataSources'] as unknown[])
    .map(record)
    .filter((d): d is { id: string; name: string } => typeof d['name'] === 'string');
  const text = tokenScopeText({ kind: 'data_sources', dataSources });
  // With none left, tokenScopeText says so in a sentence of its own.
  return dataSources.length ? `Only for: ${text}` : text;
}
