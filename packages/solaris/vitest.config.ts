import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'solaris',
    include: ['src/**/*.test.ts'],
  },
});
