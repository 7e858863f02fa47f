import express, { type NextFunction, type Request, type Response } from 'express';
import type { ErrorCode } from '@feedpass/contracts';
import { ApiException } from './api-exception.js';

export const JSON_BODY_LIMIT = '100kb';

const POISON_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 32;
const TOO_DEEP = Symbol('too deep');

/**
 * The first prototype-pollution key anywhere in a parsed body, or TOO_DEEP past 32 levels
 * of nesting (no field of the API nests that deep, and deeper input would exhaust the
 * validator's recursion), or null when the body is fine.
 */
function poisonKey(value: unknown, depth = 0): string | typeof TOO_DEEP | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  for (const key of Object.keys(value)) {
    if (POISON_KEYS.has(key)) return key;
    const found = poisonKey((value as Record<string, unknown>)[key], depth + 1);
    if (found) return found;
  }
  return null;
}

const bad = (code: ErrorCode, message: string) => new ApiException(400, code, message);

/** body-parser's own failures, as ours (the status stays 400 whatever it says). */
function bodyParserErrors(limit: string) {
  return (
    error: { type?: string } | undefined,
    _req: Request,
    _res: Response,
    next: NextFunction,
  ) => {
    if (!error?.type) return next(error);
    if (error.type === 'entity.too.large')
      return next(bad('payload_too_large', `The request body is larger than ${limit}`));
    if (error.type === 'entity.parse.failed')
      return next(bad('malformed_json', 'The request body is not valid JSON'));
    if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported')
      return next(bad('bad_request', 'The request body must be UTF-8 JSON'));
    next(bad('bad_request', 'The request body could not be read'));
  };
}

/**
 * The body of a route that checks a signature over the exact bytes sent (GitHub's secret
 * scanning alerts): read unparsed into a Buffer, up to `limit`, whatever its content type.
 * Installed before `jsonBody`, which then leaves it alone; the route parses it after the check.
 */
export function rawBody(path: RegExp, limit: string) {
  const read = express.raw({ type: () => true, limit });
  return [
    (req: Request, res: Response, next: NextFunction) =>
      path.test(req.path) ? read(req, res, next) : next(),
    bodyParserErrors(limit),
  ];
}

/**
 * JSON bodies: at most 100 kB, and always an object. Unreadable input is bad input, so
 * it is refused `400` with its own code (oversized bodies included, as the API promises
 * a 400 for every malformed request) before any route sees it; the refusal goes to the
 * exception filter like any other error.
 */
export function jsonBody() {
  return [
    express.json({ limit: JSON_BODY_LIMIT, strict: true }),
    bodyParserErrors(JSON_BODY_LIMIT),
    (req: Request, _res: Response, next: NextFunction) => {
      // Read raw by `rawBody` for its route, which checks and parses it itself.
      if (Buffer.isBuffer(req.body)) return next();
      if (
        req.is('application/json') &&
        (Array.isArray(req.body) || typeof req.body !== 'object' || req.body === null)
      ) {
        return next(bad('validation_failed', 'The request body must be a JSON object'));
      }
      const poison = poisonKey(req.body);
      if (poison === TOO_DEEP)
        return next(
          bad('validation_failed', `The request body is nested more than ${MAX_DEPTH} levels deep`),
        );
      if (poison) return next(bad('validation_failed', `property ${poison} is not allowed`));
      next();
    },
  ];
}
