export * from './base.js';
export * from './tenant.entity.js';
export * from './user.entity.js';
export * from './session.entity.js';
export * from './history-event.entity.js';
export * from './access-token.entity.js';
export * from './token-policy.entity.js';
export * from './data-source.entity.js';
export * from './token-notice.entity.js';
export * from './mail-outbox.entity.js';
export * from './account-link.entity.js';
export * from './tenant-sso.entity.js';
export * from './user-identity.entity.js';

import { AccountLink } from './account-link.entity.js';
import { AccessToken, AccessTokenScope } from './access-token.entity.js';
import { HistoryEvent } from './history-event.entity.js';
import { TokenPolicy } from './token-policy.entity.js';
import { DataSource, DataSourceShare } from './data-source.entity.js';
import { MailOutbox } from './mail-outbox.entity.js';
import { TokenNotice } from './token-notice.entity.js';
import { Session } from './session.entity.js';
import { Tenant } from './tenant.entity.js';
import { TenantSso } from './tenant-sso.entity.js';
import { UserIdentity } from './user-identity.entity.js';
import { User } from './user.entity.js';

/** Every entity of the one domain, for the ORM configuration. */
export const ENTITIES = [
  Tenant,
  User,
  Session,
  HistoryEvent,
  AccessToken,
  AccessTokenScope,
  TokenPolicy,
  DataSource,
  DataSourceShare,
  TokenNotice,
  MailOutbox,
  AccountLink,
  TenantSso,
  UserIdentity,
];
