// Compiles the API and the libraries it imports to ESM JavaScript under dist/ with SWC.
// SWC rewrites the tsconfig path aliases (@feedpass/*) to relative imports, which
// plain tsc cannot do; type checking is `npm run typecheck`.
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist');
const sources = ['apps/api/src', 'libs/domain/src', 'libs/contracts/src'];

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

async function* walkAll(dir) {
  let entries = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkAll(path);
    else yield path;
  }
}

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    baseUrl: root,
    paths: {
      '@feedpass/contracts': ['./libs/contracts/src/index.ts'],
      '@feedpass/domain': ['./libs/domain/src/index.ts'],
    },
    keepClassNames: true,
  },
  module: { type: 'es6', resolveFully: true },
  sourceMaps: true,
};

// Compile everything first, then overwrite in place and remove what no longer has a
// source: a process running from dist/ meanwhile never finds a module missing.
const outputs = new Map();
for (const dir of sources) {
  for await (const file of walk(join(root, dir))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, { ...options, filename: file, outputPath: target });
    outputs.set(target, code + `\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) outputs.set(target + '.map', map);
  }
}
for (const [target, text] of outputs) {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
}
for (const dir of ['apps', 'libs']) {
  for await (const file of walkAll(join(out, dir))) if (!outputs.has(file)) await rm(file);
}
const count = [...outputs.keys()].filter((f) => f.endsWith('.js')).length;
await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
console.log(`build-api: ${count} files compiled to dist/`);
