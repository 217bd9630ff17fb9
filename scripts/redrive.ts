/**
 * Sends the local stack's dead letters back to its article queue now, as the ops page's button does, and prints what
 * became of them as one JSON line:
 *
 *   npm run --silent redrive          (the stack `npm start` runs, at HOST:PORT, 127.0.0.1:3000 by default)
 *
 * The local stack also redrives on its own, every 15 minutes, the letters that have cooled down. Exit 0 on success,
 * 1 when the stack cannot be reached or refuses, or when some letters could not be handled (they stay in the queue),
 * 2 when PORT or HOST is a value `npm start` refuses.
 */
import { LocalConfigError, readLocalConfig, type LocalConfig } from '../local/config';

// PORT and HOST as `npm start` reads them, so that a value it refuses is refused here with the same message (not
// turned into a URL that cannot be parsed).
let config: LocalConfig;
try {
  config = readLocalConfig();
} catch (error) {
  if (!(error instanceof LocalConfigError)) throw error;
  console.error(`redrive: ${error.message}`);
  process.exit(2);
}
const host = config.host && !['0.0.0.0', '::'].includes(config.host) ? config.host : '127.0.0.1';
const port = config.port;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/ops/redrive`;

let response: Response;
try {
  response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
} catch (error) {
  console.error(`redrive: ${(error as Error).message} (is \`npm start\` running on ${host}:${port}?)`);
  process.exit(1);
}
const text = await response.text();
if (!response.ok) {
  // The stack answered: a run that left letters behind names how many and why, which is the message to show.
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    // Not JSON: shown as it came.
  }
  console.error(`redrive: ${url} answered ${response.status}: ${message}`);
  process.exit(1);
}
console.log(text);
