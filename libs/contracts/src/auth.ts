import type { Role } from './users.js';

export interface LoginRequest {
  username: string;
  password: string;
}

/** `GET /api/auth/me` and the `user` of `POST /api/auth/login`. */
export interface CurrentUser {
  id: string;
  username: string;
  email: string;
  displayName: string;
  role: Role;
  timeZone: string;
  /**
   * `slug` names the tenant's sign-in page, `/t/{slug}`. The API always sends it; it is
   * optional only until the portal's test fixtures carry it.
   */
  tenant: { id: string; name: string; slug?: string };
}

export interface LoginResponse {
  user: CurrentUser;
}

/** `PATCH /api/auth/me`: only the fields given change. */
export interface UpdateProfileRequest {
  displayName?: string;
  timeZone?: string;
}

/** `POST /api/auth/password`: other sessions end. */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/** One of the caller's own sessions (`GET /api/auth/sessions`). */
export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** The session this request was made with. */
  current: boolean;
}

export interface SessionList {
  items: SessionInfo[];
}

/** `POST /api/auth/password-reset`: always 202, whether or not the username exists. */
export interface PasswordResetRequest {
  username: string;
}

/** `POST /api/auth/password-reset/complete`: the secret from the email link's fragment. */
export interface CompletePasswordResetRequest {
  token: string;
  newPassword: string;
}

/** `POST /api/auth/invitations/accept`: sets the password and signs in. */
export interface AcceptInvitationRequest {
  token: string;
  password: string;
}

/** Names the browser sees; the portal's HttpClient uses the XSRF pair by default. */
export const SESSION_COOKIE = 'fp_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'X-XSRF-TOKEN';
