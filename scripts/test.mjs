// `npm test`: type-check and lint everything, build the portal the browser specs drive,
// then run every jest project (unit, e2e against a real PostgreSQL, portal, browser).
// Extra arguments go to jest, e.g. `npm test -- test/e2e/auth.e2e-spec.ts`.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (pkg, file) => resolve(root, 'node_modules', pkg, file);
const jestArgs = process.argv.slice(2);

const steps = [
  ['type-check: API and libraries', bin('typescript', 'bin/tsc'), ['-p', 'apps/api/tsconfig.app.json']],
  ['type-check: portal', bin('typescript', 'bin/tsc'), ['-p', 'apps/portal/tsconfig.app.json', '--noEmit']],
  ['type-check: portal specs', bin('typescript', 'bin/tsc'), ['-p', 'apps/portal/tsconfig.spec.json', '--noEmit']],
  ['type-check: test suites', bin('typescript', 'bin/tsc'), ['-p', 'test/tsconfig.json']],
  ['lint', bin('eslint', 'bin/eslint.js'), ['.']],
  ['build the portal', bin('@angular/cli', 'bin/ng.js'), ['build', 'portal']],
  ['jest', bin('jest', 'bin/jest.js'), jestArgs],
];

for (const [name, script, args] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const { status } = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\n✖ ${name} failed`);
    process.exit(status ?? 1);
  }
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
