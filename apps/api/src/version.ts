/** Reported by /api/health; set by the release process, "dev" otherwise. */
export const VERSION = '0.1.0';
