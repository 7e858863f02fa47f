// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.angular/', '.data/', 'coverage/', '**/*.cjs', 'libs/domain/src/migrations/Migration*.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Imports run downward (CONVENTIONS.md): apps import libs, never the reverse.
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./|\\.\\./)', message: 'libs/contracts imports nothing: it is plain types and constants.' }] },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '@nestjs/*'], message: 'libs/domain never imports an app or Nest.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/portal/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@feedpass/domain', '@mikro-orm/*', '@nestjs/*', '**/libs/domain/**', '**/apps/api/**'],
              message: 'The portal speaks to the API only through @feedpass/contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/portal/**', '@angular/*'], message: 'The API never imports the portal.' }] },
      ],
    },
  },
);
