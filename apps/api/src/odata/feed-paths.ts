/**
 * Where the feed lives, written once: the routes `ODataController` declares under `/odata`
 * (Express patterns, which the metrics use as route labels), and the test every part that
 * treats the feed apart uses (the middlewares it skips, the error rendering it gets, the
 * feed lane in front of Express).
 */
export const FEED_ROUTES = [':key', ':key/*path'] as const;

/** `/odata` and below, in any case: routing ignores case, so `/ODATA/{key}/` is the feed too. */
const FEED_URL = /^\/odata(?:[/?]|$)/i;

export function isFeedUrl(url: string): boolean {
  return FEED_URL.test(url);
}
