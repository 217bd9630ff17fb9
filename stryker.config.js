import { resolve } from 'node:path';
import { env } from 'node:process';

// Stryker runs the tests in a copy of the repository under .stryker-tmp/, where ../shared/data is not beside them.
env.NEWSWEAVE_SHARED_DATA ??= resolve(import.meta.dirname, '..', 'shared', 'data');

/**
 * Mutation testing of the security- and ranking-critical modules, against the tests that pin them.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'functions/fetch/address-guard.ts',
    'functions/shared/withhold-addresses.ts',
    'functions/fetch/canonical-url.ts',
    'functions/api/validate.ts',
    'functions/shared/invisible-marks.ts',
    'functions/dedupe/text-sketch.ts',
    'functions/dedupe/assign-story.ts',
    'functions/related/term-weight.ts',
    'functions/related/rank-related.ts',
    'functions/related/text-embedding.ts',
    'functions/related/guess-language.ts',
    'functions/shared/unspaced-words.ts',
  ],
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    configFile: 'jest.config.js',
    // Only the test files of these modules: the whole suite would take hours.
    config: {
      testMatch: [
        '<rootDir>/test/fetch/address-guard.test.ts',
        '<rootDir>/test/shared/withhold-addresses.test.ts',
        '<rootDir>/test/fetch/canonical-url.test.ts',
        '<rootDir>/test/api/validate.test.ts',
        '<rootDir>/test/api/create-api-handler.test.ts',
        '<rootDir>/test/api/openapi-conformance.test.ts',
        '<rootDir>/test/dedupe/text-sketch.test.ts',
        '<rootDir>/test/dedupe/assign-story.test.ts',
        '<rootDir>/test/related/term-weight.test.ts',
        '<rootDir>/test/related/rank-related.test.ts',
        '<rootDir>/test/related/text-embedding.test.ts',
        '<rootDir>/test/related/guess-language.test.ts',
        '<rootDir>/test/related/analyze-article.test.ts',
      ],
    },
  },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
};
