import type { IncomingMessage, ServerResponse } from 'node:http';

/** The claims of one account at the local provider. */
export interface DevAccount {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
}

export interface DevClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface DevProvider {
  issuer: string;
  port: number;
  /** The port refuses connections until `resume()`: a provider that is down. */
  stop(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export function startOidcDevProvider(options: {
  port: number;
  clients: DevClient[];
  accounts: Map<string, DevAccount>;
  signInAs: () => string;
  jwks?: { keys: Record<string, unknown>[] };
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  cookieKeys?: string[];
  /** oidc-provider's own login and consent pages instead of `signInAs()`; off by default. */
  loginPages?: boolean;
}): Promise<DevProvider>;
