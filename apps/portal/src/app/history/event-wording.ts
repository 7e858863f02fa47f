import type { EventType, HistoryEvent, RevokeReason } from '@feedpass/contracts';

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
  'data_source.created': 'Data source created',
  'data_source.shared': 'Data source shared',
  'data_source.unshared': 'Data source unshared',
  'data_source.deleted': 'Data source deleted',
};

const REVOKE_REASONS: Record<RevokeReason, string> = {
  user: 'Revoked by its owner',
  revoke_all: 'Revoke all',
  rotated: 'Replaced by rotation',
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
    case 'token.created':
      return details['rotatedFrom'] ? 'Replaces a rotated token' : '';
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
    default:
      return '';
  }
}
