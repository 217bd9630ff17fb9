/**
 * `npm run --silent token -- <username> [--moderator] [--expires-in <seconds>]`: prints an access token of the local
 * issuer for that user, signed with the key in NEWSWEAVE_DATA_DIR (default .newsweave/) for the issuer at PORT
 * (default 3000): the same two variables as `npm start`, whose API then accepts it on the comment routes.
 *
 *   curl -X POST -H "authorization: Bearer $(npm run --silent token -- ada)" -H 'content-type: application/json' \
 *     -d '{"body":"Hello"}' http://localhost:3000/articles/<id>/comments
 *
 * A token is bound to its data dir's key and to its port (the issuer's address): when no `npm start` runs on that
 * data dir, or the one that runs listens on another port, it says so on stderr (the token is still printed: one may
 * be made before the stack starts).
 */
import { parseArgs } from 'node:util';
import { LocalConfigError, readLocalConfig } from '../local/config';
import { DataDirError, ensureDataDir, runningOwner } from '../local/data-dir-lock';
import { DEFAULT_TOKEN_SECONDS, loadLocalIssuer } from '../local/oidc-issuer';

const USAGE = 'usage: npm run --silent token -- <username> [--moderator] [--expires-in <seconds>]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { moderator: { type: 'boolean', default: false }, 'expires-in': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new RangeError(USAGE);
  const rawSeconds = values['expires-in'];
  const expiresInSeconds = rawSeconds === undefined ? DEFAULT_TOKEN_SECONDS : /^[0-9]{1,6}$/.test(rawSeconds) ? Number(rawSeconds) : Number.NaN;
  const { dataDir, port } = readLocalConfig();
  ensureDataDir(dataDir);
  const issuer = await loadLocalIssuer({ dataDir, port });
  console.log(await issuer.issueAccessToken({ username: positionals[0]!, moderator: values.moderator, expiresInSeconds }));
  const owner = runningOwner(dataDir);
  if (!owner) {
    console.error(`token: no npm start runs on ${dataDir} now: this token is for one started there on port ${port}`);
  } else if (owner.port !== null && owner.port !== port) {
    console.error(`token: the npm start on ${dataDir} listens on port ${owner.port}, not ${port}: set PORT=${owner.port}, or it refuses this token`);
  }
}

main().catch((error: unknown) => {
  const known = error instanceof RangeError || error instanceof LocalConfigError || error instanceof DataDirError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(known ? `token: ${(error as Error).message}` : error);
  process.exit(known ? 2 : 1);
});
