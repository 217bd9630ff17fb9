/**
 * Extracts articles from saved pages and prints one JSON object per file, one per line:
 *
 *   npm run --silent extract -- <file.html>... [--url <url>]
 *
 * Files are read as raw bytes (their encoding is sniffed as a browser would); `.gz` files are gunzipped. `--url`
 * gives the page's address (for resolving links and reading the site's name) and needs exactly one file.
 * Exit 0 when every file was processed, rejected or not; exit 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { extractFromBytes } from '../functions/extract/extract-article';

const USAGE = 'usage: npm run --silent extract -- <file.html>... [--url <url>]  (--url needs exactly one file)';

interface Line {
  readonly file: string;
  readonly title: string | null;
  readonly byline: string | null;
  readonly publishedAt: string | null;
  readonly language: string | null;
  readonly imageUrl: string | null;
  readonly summary: string | null;
  readonly body: string;
  readonly rejected?: string;
}

function parseArguments(argv: readonly string[]): { files: string[]; url?: string } | null {
  const files: string[] = [];
  let url: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--url') {
      const value = argv[index + 1];
      if (!value || url !== undefined) return null;
      url = value;
      index += 1;
    } else if (argument.startsWith('--url=')) {
      if (url !== undefined) return null;
      url = argument.slice('--url='.length);
    } else if (argument === '--') {
      continue;
    } else if (argument.startsWith('-')) {
      return null;
    } else {
      files.push(argument);
    }
  }
  if (!files.length || (url !== undefined && (files.length !== 1 || !isHttpUrl(url)))) return null;
  return { files, url };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function readPage(file: string): Uint8Array | null {
  try {
    const bytes = readFileSync(file);
    return new Uint8Array(file.endsWith('.gz') ? gunzipSync(bytes) : bytes);
  } catch {
    return null;
  }
}

function extractFile(file: string, url: string | undefined): Line {
  const rejected = (reason: string): Line => ({
    file, title: null, byline: null, publishedAt: null, language: null, imageUrl: null, summary: null, body: '', rejected: reason,
  });
  const bytes = readPage(file);
  if (!bytes) return rejected('unreadable');
  const result = extractFromBytes(bytes, { url });
  if (!result.ok) return rejected(result.reason);
  const { article } = result;
  return {
    file,
    title: article.title || null,
    byline: article.byline,
    publishedAt: article.publishedAt,
    language: article.language,
    imageUrl: article.imageUrl,
    summary: article.summary || null,
    body: article.body,
  };
}

function main(): number {
  const parsed = parseArguments(process.argv.slice(2));
  if (!parsed) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  for (const file of parsed.files) process.stdout.write(`${JSON.stringify(extractFile(file, parsed.url))}\n`);
  return 0;
}

process.exitCode = main();
