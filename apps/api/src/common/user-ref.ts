import type { CurrentUser, UserRef } from '@feedpass/contracts';
import type { User } from '@feedpass/domain';

/** How one user is named in another record's response. */
export function toUserRef(user: { id: string; username: string; displayName: string }): UserRef {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** Who a user is, as both their own sign-in and the admin's user list show it. */
export function toUserProfile(user: User): Omit<CurrentUser, 'tenant'> {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    timeZone: user.timeZone,
  };
}
