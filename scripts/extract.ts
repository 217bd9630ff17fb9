/**
 * Extracts articles from saved pages and prints one JSON object per file, one per line:
 *
 *   npm run --silent extract -- <file.html>... [--url <url>]
 *
 * Files are read as raw bytes (their encoding is sniffed as a browser would); `.gz` files are gunzipped. `--url`
 * gives the page's address (for resolving links and reading the site's name) and needs exactly one file.
 * A file that cannot be read is a line rejected as `unreadable`, and why on stderr. `--` ends the options.
 * Exit 0 when every file was processed, rejected or not (and on `--help`, the usage on stdout); exit 2 on bad usage.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MAX_HTML_BYTES, extractFromBytes } from '../functions/extract/extract-article';

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

/** The files and the page's address, or what is wrong with the command line (said before the usage). */
function parseArguments(argv: readonly string[]): { files: string[]; url?: string } | { problem: string } {
  const files: string[] = [];
  let url: string | undefined;
  let options = true;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (!options) {
      files.push(argument);
    } else if (argument === '--url' || argument.startsWith('--url=')) {
      const value = argument === '--url' ? argv[index + 1] : argument.slice('--url='.length);
      if (!value) return { problem: '--url needs a value' };
      if (url !== undefined) return { problem: '--url is given twice' };
      url = value;
      if (argument === '--url') index += 1;
    } else if (argument === '--') {
      // What follows is files, even when a name starts with "-".
      options = false;
    } else if (argument.startsWith('-')) {
      return { problem: `unknown option ${argument} (a file whose name starts with "-" goes after "--")` };
    } else {
      files.push(argument);
    }
  }
  if (!files.length) return { problem: 'no file given' };
  if (url !== undefined && files.length !== 1) return { problem: `--url needs exactly one file, not ${files.length}` };
  if (url !== undefined && !isHttpUrl(url)) return { problem: `--url must be an http or https URL, not "${url}"` };
  return { files, url };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The page's bytes, 'too-large' past what extraction takes (a gzip bomb is not inflated further), or why it is unreadable. */
function readPage(file: string): Uint8Array | 'too-large' | { readonly error: string } {
  try {
    const gzipped = file.endsWith('.gz');
    // A gzipped page may be a few hundred times smaller than the page: read it whole, inflate no more than the limit.
    const bytes = readAtMost(file, gzipped ? 64 * MAX_HTML_BYTES : MAX_HTML_BYTES);
    if (bytes === 'too-large') return bytes;
    return new Uint8Array(gzipped ? gunzipSync(bytes, { maxOutputLength: MAX_HTML_BYTES + 1 }) : bytes);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The whole file, or 'too-large' when it holds more than `limit` bytes (without reading them). */
function readAtMost(file: string, limit: number): Buffer | 'too-large' {
  const descriptor = openSync(file, 'r');
  try {
    if (fstatSync(descriptor).size > limit) return 'too-large';
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let read = 1; read > 0 && length <= limit; length += read) read = readSync(descriptor, buffer, length, buffer.length - length, null);
    return length > limit ? 'too-large' : buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

function extractFile(file: string, url: string | undefined): Line {
  const rejected = (reason: string): Line => ({
    file, title: null, byline: null, publishedAt: null, language: null, imageUrl: null, summary: null, body: '', rejected: reason,
  });
  const bytes = readPage(file);
  if (bytes === 'too-large') return rejected('too-large');
  if ('error' in bytes) {
    // The line says "unreadable"; why (no such file, a folder, not gzip...) is for the person running it.
    // A web address given as a file: extract reads saved pages, it fetches nothing.
    const hint = isHttpUrl(file) ? ` (extract reads saved pages: save it first, \`curl -so page.html '${file}'\`, then \`npm run --silent extract -- page.html --url '${file}'\`)` : '';
    process.stderr.write(`extract: ${file}: ${bytes.error}${hint}\n`);
    return rejected('unreadable');
  }
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
  // A reader that stops early (`| head`) is no error: the lines it wanted were written.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = parseArguments(argv);
  if ('problem' in parsed) {
    process.stderr.write(`extract: ${parsed.problem}\n${USAGE}\n`);
    return 2;
  }
  for (const file of parsed.files) process.stdout.write(`${JSON.stringify(extractFile(file, parsed.url))}\n`);
  return 0;
}

process.exitCode = main();
