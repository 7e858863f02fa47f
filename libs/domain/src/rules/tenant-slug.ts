/** A tenant's slug names its sign-in page, `/t/{slug}`: lowercase letters, digits and dashes. */
export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The slug a tenant gets from its name ("Acme Corp." → "acme-corp"). The SQL backfill of
 * the tenant-slug migration spells the same rule: lower, non-alphanumerics to dashes, trim.
 */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'tenant';
}
