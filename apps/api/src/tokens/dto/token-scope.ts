import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { TOKEN_SCOPE_MAX, type TokenScopeRequest } from '@feedpass/contracts';
import { Check } from '../../common/validation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasOnly = (value: Record<string, unknown>, keys: string[]) =>
  Object.keys(value).every((k) => keys.includes(k));

/** Why a requested scope is ill-formed, or null when it is well-formed (or omitted). */
export function scopeProblem(value: unknown): string | null {
  if (value === undefined) return null;
  if (!isPlainObject(value))
    return 'scope must be {"kind":"all"} or {"kind":"data_sources","dataSourceIds":[…]}';
  if (value.kind === 'all') {
    return hasOnly(value, ['kind']) ? null : 'scope {"kind":"all"} takes no other fields';
  }
  if (value.kind !== 'data_sources' || !hasOnly(value, ['kind', 'dataSourceIds'])) {
    return 'scope must be {"kind":"all"} or {"kind":"data_sources","dataSourceIds":[…]}';
  }
  const ids = value.dataSourceIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > TOKEN_SCOPE_MAX) {
    return `scope.dataSourceIds must list 1 to ${TOKEN_SCOPE_MAX} data source ids`;
  }
  if (!ids.every((id) => typeof id === 'string' && UUID.test(id))) {
    return 'scope.dataSourceIds must be data source ids (UUIDs)';
  }
  const distinct = new Set(ids.map((id: string) => id.toLowerCase()));
  if (distinct.size !== ids.length) return 'scope.dataSourceIds must not repeat an id';
  return null;
}

/**
 * What a new token may read: omitted or `{kind:'all'}` for every data source its owner can
 * read; `{kind:'data_sources', dataSourceIds}` for 1–50 distinct ids (lower-cased here).
 * Ill-formed: `400 invalid_scope`. Whether the owner can read each one is the service's rule.
 */
export const IsTokenScope = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      scopeProblem(value) === null &&
      isPlainObject(value) &&
      value.kind === 'data_sources' &&
      Array.isArray(value.dataSourceIds)
        ? ({
            kind: 'data_sources',
            dataSourceIds: (value.dataSourceIds as string[]).map((id) => id.toLowerCase()),
          } satisfies TokenScopeRequest)
        : value,
    ),
    Check(
      'isTokenScope',
      (value) => scopeProblem(value) === null,
      'invalid_scope',
      ({ value }) => scopeProblem(value) ?? 'scope is invalid',
    ),
  );
