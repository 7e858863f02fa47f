import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * One notice about one token: `before:7`, `before:1` (days before expiry), `expired`, or
 * `shortened:<new expiry>` (a policy change). The unique (token, kind) key is what makes
 * each notice happen once, whichever instance runs the job. `outboxId` is the email that
 * carries it.
 */
export const TokenNotice = defineEntity({
  name: 'TokenNotice',
  tableName: 'token_notice',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    tokenId: p.uuid(),
    kind: p.string().length(64),
    tenantId: p.uuid(),
    ownerId: p.uuid(),
    outboxId: p.uuid().index(),
    /** What the email says beyond the token (where a leak was found, where a rejected use came from). */
    details: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime(),
  },
  uniques: [{ name: 'token_notice_token_kind_unique', properties: ['tokenId', 'kind'] }],
});

export type TokenNotice = InferEntity<typeof TokenNotice>;
