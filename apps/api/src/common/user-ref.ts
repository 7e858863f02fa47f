import type { UserRef } from '@feedpass/contracts';

/** How one user is named in another record's response. */
export function toUserRef(user: { id: string; username: string; displayName: string }): UserRef {
  return { id: user.id, username: user.username, displayName: user.displayName };
}
