import { p } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Columns every entity shares: a UUID key and its creation/update times. */
export const baseProperties = {
  id: p
    .uuid()
    .primary()
    .onCreate(() => randomUUID()),
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
