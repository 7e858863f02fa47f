import type { Role } from '@feedpass/contracts';

/** Who is calling, as established by the session guard. Every query is scoped by it. */
export interface AuthContext {
  userId: string;
  tenantId: string;
  username: string;
  role: Role;
  sessionId: string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthenticatedOptions {
  /** Tenant admins only: others get `403 forbidden`. */
  admin?: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}
