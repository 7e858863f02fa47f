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
}

export interface UserList {
  items: UserSummary[];
}

/** `POST /api/admin/users`. */
export interface CreateUserRequest {
  username: string;
  email: string;
  displayName: string;
  role: Role;
  password: string;
  timeZone?: string;
}

/** Usernames are typed into Power BI's Basic credentials: keep them plain. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;
export const USERNAME_RULE =
  '2–64 characters: letters, digits, ".", "_", "-", "@"; starting with a letter or digit';
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
