import type { TokenStatus } from '@feedpass/contracts';

export const TOKEN_STATUS_LABELS: Record<TokenStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

export function tokenStatusLabel(status: TokenStatus): string {
  return TOKEN_STATUS_LABELS[status] ?? status;
}
