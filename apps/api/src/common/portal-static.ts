import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Serves the built Angular portal at `/`: hashed assets cached for a year, and
 * `index.html` (never cached) for every other GET that is not `/api` or `/odata`, so
 * deep links such as `/admin/users` load the app.
 */
export function portalStatic(dir: string) {
  const index = join(resolve(dir), 'index.html');
  if (!existsSync(index)) {
    throw new Error(`The portal is not built: ${index} is missing (run npm run build:portal)`);
  }
  const assets = express.static(dir, {
    index: false,
    setHeaders: (res, path) => {
      const hashed =
        /\.[0-9a-z]{8,}\.(js|css|woff2?)$/i.test(path) || /-[0-9A-Z]{8}\.(js|css)$/.test(path);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const notPortal = /^\/(api|odata|metrics)(\/|$)/i;
  const sendIndex = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  // One middleware: API and feed requests pass with one test and never look for a file.
  return (req: Request, res: Response, next: NextFunction) => {
    if (notPortal.test(req.path)) return next();
    assets(req, res, (error?: unknown) => (error ? next(error) : sendIndex(req, res, next)));
  };
}
