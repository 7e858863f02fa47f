import { RequestContext } from '@mikro-orm/core';
import type { AnyOrm } from './database.js';

/** Runs work outside an HTTP request (boot, CLI, jobs) in its own MikroORM context. */
export function runInContext<T>(orm: AnyOrm, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(orm.em, work);
}
