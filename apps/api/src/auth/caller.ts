import type { Role } from '@feedpass/contracts';

/**
 * Who is calling: a user signed in to the portal (a session) or reading a feed (an access
 * token). Established by the session guard or the OData Basic strategy; every query is
 * scoped by it.
 */
export interface Caller {
  tenantId: string;
  userId: string;
  username: string;
  role: Role;
  /** The portal session, when signed in through one. */
  sessionId?: string;
  /** The access token, when reading a feed with one. */
  tokenId?: string;
}

/** The system acting in a tenant without a user (CLI, demo seed): recorded as actor null. */
export interface SystemCaller {
  tenantId: string;
  userId: null;
}

/** A caller for a user loaded from the database (the demo seed acts as its demo users). */
export function callerOf(user: {
  id: string;
  tenant: { id: string };
  username: string;
  role: Role;
}): Caller {
  return {
    tenantId: user.tenant.id,
    userId: user.id,
    username: user.username,
    role: user.role,
  };
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthenticatedOptions {
  /** Tenant admins only: others get `403 forbidden`. */
  admin?: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the session guard (`/api`) or the OData auth guard (`/odata`). */
    caller?: Caller;
  }
}
