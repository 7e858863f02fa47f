import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { METHODS } from 'node:http';

/** One endpoint as Express serves it: an upper-case method and an Express path pattern. */
export interface RouteKey {
  method: string;
  path: string;
}

export const routeId = (r: RouteKey) => `${r.method} ${r.path}`;

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** A trailing slash is the same route for Express (non-strict routing). */
const normalise = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/**
 * Every endpoint the running app serves, read from Express's own router (Express 5:
 * `app.router.stack`): each layer that is a route with an explicit set of methods.
 * Layers registered for *every* method (`app.all`) are Nest's middleware bindings
 * (`MiddlewareConsumer.forRoutes`) and its not-found fallbacks, not endpoints; they are
 * returned separately so a spec can see them too. Duplicates (Nest registers routes
 * excluded from the global prefix twice, and `/metrics` with and without a slash) are merged.
 */
export function listAppRoutes(app: NestExpressApplication): {
  endpoints: RouteKey[];
  allMethodLayers: string[];
} {
  const instance = app.getHttpAdapter().getInstance() as {
    router?: { stack: ExpressLayer[] };
    _router?: { stack: ExpressLayer[] };
  };
  const stack = (instance.router ?? instance._router)?.stack;
  if (!stack)
    throw new Error('cannot read the Express router stack (Express 4 `_router` / 5 `router`)');
  const every = new Set(METHODS.map((m) => m.toLowerCase()));
  const endpoints = new Map<string, RouteKey>();
  const allMethodLayers = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter(
      (m) => layer.route!.methods[m] && m !== '_all',
    );
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const isAll = layer.route.methods._all || [...every].every((m) => methods.includes(m));
    for (const raw of paths) {
      const path = normalise(raw);
      if (isAll) {
        allMethodLayers.add(path);
        continue;
      }
      for (const m of methods) {
        const key = { method: m.toUpperCase(), path };
        endpoints.set(routeId(key), key);
      }
    }
  }
  return {
    endpoints: [...endpoints.values()].sort((a, b) => routeId(a).localeCompare(routeId(b))),
    allMethodLayers: [...allMethodLayers].sort(),
  };
}

/** The operations of an OpenAPI document, with `{id}` turned into Express's `:id`. */
export function openApiRoutes(doc: { paths: Record<string, Record<string, unknown>> }): RouteKey[] {
  const verbs = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((k) => verbs.has(k))
      .map((k) => ({
        method: k.toUpperCase(),
        path: normalise(path.replace(/\{([^}]+)\}/g, ':$1')),
      })),
  );
}

/** Fills `:name` parameters of an Express path; every parameter must be given. */
/** `:name` is one encoded segment; `*name` (a wildcard) is a path written as it is. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/([:*])([A-Za-z_]\w*)/g, (_, kind: string, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for ${kind}${name} in ${pattern}`);
    return kind === '*' ? value : encodeURIComponent(value);
  });
}

/**
 * Every request handler of every Nest controller, from Nest's own route metadata
 * (`@Controller` path + `@Get`/`@Post`/… path and method). Unlike the Express router this
 * also sees `@All()` handlers (method `ALL`), which Express cannot tell from middleware.
 * Paths are as declared, without the global prefix.
 */
export function listControllerHandlers(
  app: NestExpressApplication,
): { handler: string; method: string; path: string }[] {
  const container = app.get(ModulesContainer);
  const out: { handler: string; method: string; path: string }[] = [];
  const join = (...parts: string[]) =>
    normalise(
      '/' +
        parts
          .map((p) => p.replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
          .join('/'),
    );
  for (const module of container.values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined;
      const bases = base === undefined ? [''] : Array.isArray(base) ? base : [base];
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor' || typeof proto[name] !== 'function') continue;
        const fn = proto[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as number | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        if (method === undefined || path === undefined) continue;
        for (const b of bases)
          for (const p of Array.isArray(path) ? path : [path])
            out.push({
              handler: `${type.name}.${name}`,
              method: RequestMethod[method],
              path: join(b, p),
            });
      }
    }
  }
  return out;
}
