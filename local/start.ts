/**
 * `npm start`: the whole pipeline on this machine. Contract (README, "Local stack"):
 * PORT (default 3000), HOST (default 127.0.0.1), NEWSWEAVE_SOURCES (a sources file; the bundled demo by default),
 * NEWSWEAVE_DATA_DIR (default .newsweave/), NEWSWEAVE_USER_AGENT (the fetches' User-Agent, with a contact), LOG_LEVEL
 * (default WARN), AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS (servers to use instead of the embedded ones).
 * SIGINT or SIGTERM stops it within 5 s, whether sent to this process, to its process group or to the npm process
 * above it.
 */
import { InvalidUserAgentError, validateUserAgent } from '../functions/fetch/user-agent';
import { LocalConfigError, readLocalConfig } from './config';
import { startLocalStack } from './runtime';

// Lambda runs Node 22; on a Node 20 machine the SDK's notice about its future Node 22 requirement is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SHUTDOWN_DEADLINE_MS = 4_500;

/** Checked here too, so that a bad value stops `npm start` with a line about it before anything starts. */
function checkUserAgent(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  try {
    validateUserAgent(value);
  } catch (error) {
    if (!(error instanceof InvalidUserAgentError)) throw error;
    console.error(`NEWSWEAVE_USER_AGENT: ${error.message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  checkUserAgent(process.env.NEWSWEAVE_USER_AGENT);
  let config;
  try {
    config = readLocalConfig();
  } catch (error) {
    if (!(error instanceof LocalConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const stack = await startLocalStack(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    setTimeout(() => {
      console.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // Work cut short by the stop (a fetch, a request to a server being closed) may fail after this point: that is
    // the stop doing its job, not a failure of the program, so it is reported and the exit stays clean.
    const late = (error: unknown) => console.error(`during shutdown: ${(error as Error)?.message ?? String(error)}`);
    process.on('uncaughtException', late);
    process.on('unhandledRejection', late);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // `npm start` runs this under npm, which exits on SIGTERM without passing the signal on. Its exit makes this
  // process an orphan (a new parent pid): stop then too, so that nothing outlives the command that was stopped.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('parent exited');
  }, 200).unref();
}

main().catch((error: unknown) => {
  console.error(`newsweave: ${(error as Error).message}`);
  process.exit(1);
});
