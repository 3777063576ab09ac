import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-closure-service',
    include: ['src/**/*.test.ts'],
  },
});
