import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // The demo runs three simulators end to end; on a loaded machine it needs more than the default 5 s.
    testTimeout: 30_000,
  },
});
