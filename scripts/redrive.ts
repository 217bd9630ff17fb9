/**
 * Sends the local stack's dead letters back to its article queue now, as the ops page's button does, and prints what
 * became of them as one JSON line:
 *
 *   npm run --silent redrive          (the stack `npm start` runs, at HOST:PORT, 127.0.0.1:3000 by default)
 *
 * The local stack also redrives on its own, every 15 minutes, the letters that have cooled down. Exit 0 on success,
 * 1 when the stack cannot be reached or refuses.
 */
import { env } from 'node:process';

const host = env.HOST && !['0.0.0.0', '::'].includes(env.HOST) ? env.HOST : '127.0.0.1';
const port = env.PORT || '3000';
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/ops/redrive`;

try {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text}`);
  console.log(text);
} catch (error) {
  console.error(`redrive: ${(error as Error).message} (is \`npm start\` running on ${host}:${port}?)`);
  process.exit(1);
}
