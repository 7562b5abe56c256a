// typescript-eslint's type-checked rules over every package's TypeScript (sources and tests).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each package's sources, and its tests (test/tsconfig.json also takes src/**/*.test.ts).
        project: ['packages/*/tsconfig.json', 'packages/*/test/tsconfig.json', 'packages/widget/embed-test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A leading underscore names what is left out on purpose: a rest sibling dropped from an object,
      // a parameter an interface passes that this implementation does not need.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
