// ESLint (flat config) with typescript-eslint, syntax-only rules: fast, offline, no type checking.
// typescript-eslint parses with the TypeScript 5 JS API, which the TypeScript 7 native compiler
// (the `typescript` package here) does not ship: its `require('typescript')` is pointed at the
// `typescript5` alias (npm:typescript@5.9.3), used for nothing else.
import Module, { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const typescript5 = require.resolve('typescript5');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'typescript' ? typescript5 : request, ...rest);
};
const tseslint = require('typescript-eslint');

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'imports/**', 'node_modules/**', 'crds/**', 'cdktf.out/**'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },
);
