// @ts-nocheck
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'web/dist/', '.data/', 'coverage/', 'bench/results/', '.stryker-tmp/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Lambda code: classic zod would bring ~150 KB and ~35 ms of cold start back into every bundle.
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'infra/functions/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: ['shared/contracts/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: "Use `import * as z from '<...>/shared/contracts/zod'` (zod/mini with the English locale)." },
            { name: 'zod/mini', message: "Use `import * as z from '<...>/shared/contracts/zod'` (it sets the English locale once).", allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Tenant data only through sessions (shared/db/sessions.ts): nothing outside shared/db builds a
    // database handle from a tenant string of its choosing, or a session outside its factories.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['shared/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name=/^(TenantDb|PlatformDb)$/]", message: 'Get a database handle from a session (shared/db/sessions.ts), never from a tenant string.' },
        { selector: "MemberExpression[object.name=/^(TenantSession|SharingReadSession)$/][property.name='open']", message: 'Sessions come from the request wrapper (shared/db/session-source.ts) or jobSession().' },
      ],
    },
  },
  { files: ['**/*.mjs', '**/*.mts'], ...tseslint.configs.disableTypeChecked },
);
