#!/usr/bin/env node
import { AppConfigError, buildApp } from '../lib/app';
import { SourcesConfigError } from '../functions/sources/parse-sources';

try {
  buildApp();
} catch (error) {
  if (!(error instanceof SourcesConfigError || error instanceof AppConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
