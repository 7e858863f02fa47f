import { POWER_QUERY_USER_AGENT, type TokenScope } from '@feedpass/contracts';

/** How many characters of a raw User-Agent a token row shows (the rest in its tooltip). */
export const CLIENT_SHOWN_MAX = 40;

/**
 * How the portal names the client of a token's use from its User-Agent: Power Query
 * (`Microsoft.Data.Mashup …`, sent by Power BI Desktop, the Power BI service and Excel) reads
 * "Power BI / Excel"; any other is the raw User-Agent, cut at {@link CLIENT_SHOWN_MAX}
 * characters with an ellipsis. Null when none was sent.
 */
export function tokenClientName(userAgent: string | null | undefined): string | null {
  const agent = userAgent?.trim();
  if (!agent) return null;
  if (agent.startsWith(POWER_QUERY_USER_AGENT)) return 'Power BI / Excel';
  // Code points, so a cut never splits an emoji or another astral character.
  const chars = [...agent];
  return chars.length > CLIENT_SHOWN_MAX
    ? `${chars
        .slice(0, CLIENT_SHOWN_MAX - 1)
        .join('')
        .trimEnd()}…`
    : agent;
}

/** Where a use came from: "203.0.113.5 · Power BI / Excel"; empty when neither is known. */
export function tokenOrigin(ip: string | null | undefined, userAgent: string | null | undefined) {
  return [ip?.trim() || null, tokenClientName(userAgent)].filter(Boolean).join(' · ');
}

/** A token's scope in words: "All data sources", or the names of the ones it may read. */
export function tokenScopeText(scope: TokenScope): string {
  if (scope.kind === 'all') return 'All data sources';
  if (!scope.dataSources.length) return 'No data sources left (they were deleted)';
  return scope.dataSources.map((s) => s.name).join(', ');
}
