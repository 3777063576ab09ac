import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig({
  ...packageBuild,
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'redis/index': 'src/redis/index.ts',
  },
  // p-queue is ESM-only; bundling it keeps the CommonJS build loadable on every Node 20.
  noExternal: ['p-queue'],
  external: ['vitest', 'better-sqlite3', 'bullmq', 'ioredis'],
});
