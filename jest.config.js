import { env } from 'node:process';

// The AWS SDK warns once per process about Node 20's end of support; the tests' workers need not repeat it.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
export default {
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testEnvironment: 'node',
  // Every temporary file of a run in one directory, deleted at its end (test/support/temp-dir-setup.js).
  globalSetup: '<rootDir>/test/support/temp-dir-setup.js',
  globalTeardown: '<rootDir>/test/support/temp-dir-teardown.js',
  // ESM as the project is: swc strips the types and keeps the imports; jest runs them as ES modules.
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      // keepImportAttributes: a JSON import's `with { type: 'json' }` reaches jest, which warns without it.
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023', experimental: { keepImportAttributes: true } }, module: { type: 'es6' } },
    ],
    // swagger-parser (CommonJS) requires json-schema-ref-parser, which is ESM only: Node 20 loads it with require(esm),
    // which jest supports from Node 24.9 only, so swc makes it CommonJS for jest.
    '/node_modules/@apidevtools/json-schema-ref-parser/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@apidevtools/json-schema-ref-parser/)'],
  // A safety net against a test that hangs, not a speed check (benchmarks measure speed): the integration tests that
  // store dozens of articles on dynalite, spawn the CLI or stop and restart a server took 30-40 s on a loaded machine
  // (every suite at once beside other work) and failed at 30 s. Hooks that start servers, browsers or a stack pass
  // their own timeout.
  testTimeout: 120_000,
  // Most test files wait on servers, browsers and timers rather than compute: three workers on two cores.
  maxWorkers: 3,
  // npm run test:coverage
  coverageProvider: 'v8',
  // functions/contracts/model.ts holds types only: nothing of it runs.
  collectCoverageFrom: ['functions/**/*.ts', 'lib/**/*.ts', 'local/**/*.ts', '!functions/contracts/model.ts'],
  coverageReporters: ['text', 'text-summary'],
};
