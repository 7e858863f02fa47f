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
  tenant: { id: string; name: string };
}

export interface LoginResponse {
  user: CurrentUser;
}

/** Names the browser sees; the portal's HttpClient uses the XSRF pair by default. */
export const SESSION_COOKIE = 'fp_session';
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'X-XSRF-TOKEN';
