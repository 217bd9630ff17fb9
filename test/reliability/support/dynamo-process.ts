/**
 * dynalite in a child process, so that a test can kill the DynamoDB server outright, as an outage does, and start it
 * again on the same data and port. (Closing an in-process dynalite while requests are in flight makes dynalite itself
 * throw "Database is closed" in the test process, which is a fault of the stand-in, not of Newsweave.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { REPO_ROOT } from '../../support/local-stack-process';

export interface DynamoProcess {
  readonly endpoint: string;
  kill(): Promise<void>;
}

const SERVER = `
const [path, port] = process.argv.slice(1);
require('dynalite')({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }).listen(Number(port), '127.0.0.1');
`;

export async function startDynamoProcess(options: { path: string; port: number }): Promise<DynamoProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER, options.path, String(options.port)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(options.port))) {
    if (child.exitCode !== null) throw new Error(`dynalite exited: ${errors}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dynalite did not listen on ${options.port} in time: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
