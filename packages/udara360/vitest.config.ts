import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'udara360',
    include: ['src/**/*.test.ts'],
  },
});
