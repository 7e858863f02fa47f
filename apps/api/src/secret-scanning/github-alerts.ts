import { ApiException } from '../common/api-exception.js';

/**
 * GitHub secret scanning's partner alerts (docs.github.com, "Secret scanning partner
 * program"): the request, the answer, and the rules for reading the body. Pure.
 */

/** Where GitHub posts; Express matches routes ignoring case and a trailing slash. */
export const GITHUB_ALERTS_ROUTE = /^\/api\/secret-scanning\/github\/?$/i;

export const KEY_ID_HEADER = 'Github-Public-Key-Identifier';
export const SIGNATURE_HEADER = 'Github-Public-Key-Signature';

/** Bodies are read raw up to this size: about 1000 alerts of GitHub's shape. */
export const ALERT_BODY_LIMIT = '1mb';
export const MAX_ALERTS = 1000;

/** One match GitHub found: the value, our pattern's type name, where, and what kind of place. */
export interface GitHubAlert {
  token: string;
  type: string;
  /** The public URL of the match; null when GitHub sent none or an empty one. */
  url: string | null;
  /** `content`, `commit`, `issue_comment`, `npm` …; null when absent. */
  source: string | null;
}

/** GitHub's feedback format, one per alert in request order. */
export interface GitHubAlertLabel {
  token_raw: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

const invalidAlert = (message: string) => new ApiException(400, 'invalid_alert', message);

const optionalText = (value: unknown, field: string, n: number): string | null => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalidAlert(`alert ${n}: "${field}" must be a string`);
  return value;
};

/**
 * The alerts of a (signature-checked) body: a JSON array of 1 to {@link MAX_ALERTS}
 * objects with string `token` and `type`, and optional string `url` and `source`. Other
 * fields are ignored. Anything else is `400 invalid_alert`.
 */
export function parseAlerts(body: Buffer): GitHubAlert[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw invalidAlert('The body is not UTF-8 JSON');
  }
  if (!Array.isArray(value)) throw invalidAlert('The body must be a JSON array of alerts');
  if (value.length < 1 || value.length > MAX_ALERTS)
    throw invalidAlert(`The body must hold from 1 to ${MAX_ALERTS} alerts, not ${value.length}`);
  return value.map((item: unknown, i): GitHubAlert => {
    const n = i + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw invalidAlert(`alert ${n} is not an object`);
    const { token, type, url, source } = item as Record<string, unknown>;
    if (typeof token !== 'string' || !token)
      throw invalidAlert(`alert ${n}: "token" must be a non-empty string`);
    if (typeof type !== 'string') throw invalidAlert(`alert ${n}: "type" must be a string`);
    return {
      token,
      type,
      url: optionalText(url, 'url', n),
      source: optionalText(source, 'source', n),
    };
  });
}
