export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A user as an admin sees it in `GET /api/admin/users`. */
export interface UserSummary {
  id: string;
  username: string;
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  timeZone: string;
  createdAt: string;
  deactivatedAt: string | null;
  /** An invitation not yet accepted (possibly expired: resend it), or null. */
  invitation: PendingInvitation | null;
}

export interface PendingInvitation {
  sentAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface UserList {
  items: UserSummary[];
}

/**
 * `POST /api/admin/users`: with a password, or with `invite: true` and no password (the
 * user gets an email with a link to set one).
 */
export interface CreateUserRequest {
  username: string;
  email: string;
  displayName: string;
  role: Role;
  password?: string;
  invite?: boolean;
  timeZone?: string;
}

/** `PATCH /api/admin/users/:id`: only the fields given change. */
export interface UpdateUserRequest {
  displayName?: string;
  email?: string;
  role?: Role;
  timeZone?: string;
}

/** How long the one-time links of invitation and password-reset emails work. */
export const INVITATION_VALID_DAYS = 7;
export const PASSWORD_RESET_VALID_MINUTES = 60;

/** Usernames are typed into Power BI's Basic credentials: keep them plain. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;
export const USERNAME_RULE =
  '2–64 characters: letters, digits, ".", "_", "-", "@"; starting with a letter or digit';
/** The most characters a display name may have (the database column holds as many). */
export const DISPLAY_NAME_MAX = 100;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** The password rule, in words, for forms and error messages. */
export const PASSWORD_RULE = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
