import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'embedded-payments',
    include: ['src/**/*.test.ts'],
  },
});
