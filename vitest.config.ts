import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // restify 11 reads process.binding('http_parser'): a deprecation Node prints once per process, as noise.
    // npm start silences it the same way.
    execArgv: ['--disable-warning=DEP0111'],
    // Two cores: PGlite and Chromium are heavy, so keep parallelism modest.
    maxWorkers: 2,
    // Tests that start servers (several Carepoint processes, Chromium) take longer when both cores are busy.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
