/**
 * An HTTP proxy in front of a local DynamoDB server that can lose answers: the request reaches the server and is
 * carried out, then the connection to the client is cut before the answer is sent, as a network fault after the
 * write would. The SDK sees a reset socket and retries, exactly as it would against DynamoDB. Or, throttling, it
 * answers as DynamoDB does to a request it refuses, which carries nothing out.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LostAnswer {
  /** The operation, as in `X-Amz-Target` after the dot: `PutItem`, `DeleteItem`, `UpdateItem`. */
  readonly operation: string;
  /** Further choice by the request's JSON body (a key, a value); every request of the operation when absent. */
  readonly when?: (body: Record<string, unknown>) => boolean;
  /** Called once the server has carried out the request whose answer is lost (or, throttled, before the answer), before the client learns anything. */
  readonly afterServed?: () => Promise<void>;
  /** Instead of losing the answer: the request is not carried out and is answered as DynamoDB throttles one. */
  readonly throttle?: boolean;
}

export interface LossyProxy {
  readonly endpoint: string;
  /** The next request matching `answer` has its answer lost (once). */
  loseNext(answer: LostAnswer): void;
  /** Answers lost so far. */
  lost(): number;
  stop(): Promise<void>;
}

export async function startLossyProxy(upstream: string): Promise<LossyProxy> {
  const target = new URL(upstream);
  const pending: LostAnswer[] = [];
  let lostCount = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const index = pending.findIndex((answer) => answer.operation === operation && (answer.when?.(parse(body)) ?? true));
      const losing = index === -1 ? undefined : pending.splice(index, 1)[0];
      if (losing?.throttle) {
        lostCount += 1;
        void (losing.afterServed?.() ?? Promise.resolve()).then(() => {
          outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          outgoing.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
        });
        return;
      }
      const forwarded = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: withoutHop(incoming.headers) },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            if (losing) {
              lostCount += 1;
              void (losing.afterServed?.() ?? Promise.resolve()).then(() => incoming.socket.destroy());
              return;
            }
            outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
            outgoing.end(Buffer.concat(answerChunks));
          });
        },
      );
      forwarded.on('error', () => incoming.socket.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    loseNext: (answer) => void pending.push(answer),
    lost: () => lostCount,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parse(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function withoutHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  delete copy.connection;
  return copy;
}
