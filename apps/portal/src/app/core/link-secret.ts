import { Location } from '@angular/common';
import { DOCUMENT, inject } from '@angular/core';

/** What the API accepts as the secret of an invitation or password-reset link. */
const SECRET = /^[0-9a-f]{64}$/;

/**
 * The one-time secret an email link carries after `#` (the fragment never reaches a server
 * or proxy log). Taken out of the address bar at once, so it stays out of the history and of
 * anything shared from the tab. `null` when the link has no usable secret. Call it in an
 * injection context.
 */
export function takeLinkSecret(): string | null {
  const { location } = inject(DOCUMENT);
  const secret = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  if (location.hash) inject(Location).replaceState(location.pathname);
  return SECRET.test(secret) ? secret : null;
}
