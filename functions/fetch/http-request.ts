/**
 * One HTTP request and its response over node's http/https, for the fetcher (http-fetch.ts), which handles
 * redirects, robots.txt and the per-host limits around it: connect, idle and overall timeouts, the body size limit
 * enforced while streaming (after decompression too, so a gzip bomb stops at the limit), and every failure a
 * FetchError. node's client, not undici's, because the address guard's `lookup` must be the one that connects.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { FetchError } from '../ports';
import { toFetchError } from './fetch-errors';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface HopSettings {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly deadline: number;
  readonly lookup: LookupFunction;
}

/** One request/response. The body is read only for 2xx; other responses are cut off once their headers are in. */
export function requestOnce(url: URL, headers: Record<string, string>, settings: HopSettings): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const remaining = settings.deadline - Date.now();
    if (remaining <= 0) {
      reject(new FetchError('timeout', `deadline passed before requesting ${url.href}`));
      return;
    }
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let request: http.ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined;
    const finish = () => {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      finish();
      decoder?.destroy();
      response?.destroy();
      request?.destroy();
      reject(toFetchError(error));
    };

    const transport = url.protocol === 'https:' ? https : http;
    try {
      request = transport.request(url, {
        method: 'GET',
        headers,
        lookup: settings.lookup,
        // No pooled sockets: each connection goes through the guarded lookup, and nothing outlives the fetch.
        agent: false,
        timeout: settings.readTimeoutMs,
      });
    } catch (error) {
      fail(error);
      return;
    }
    timers.push(setTimeout(() => fail(new FetchError('timeout', `no complete response from ${url.host} in time`)), remaining));
    const connectTimer = setTimeout(
      () => fail(new FetchError('timeout', `could not connect to ${url.host} within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    );
    timers.push(connectTimer);
    request.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    request.on('timeout', () => fail(new FetchError('timeout', `${url.host} sent nothing for ${settings.readTimeoutMs} ms`)));
    request.on('error', fail);
    request.on('response', (incoming) => {
      response = incoming;
      const status = incoming.statusCode ?? 0;
      const responseHeaders = flattenHeaders(incoming.headers);
      if (status < 200 || status >= 300) {
        finish();
        incoming.destroy();
        request?.destroy();
        resolve({ status, headers: responseHeaders, body: Buffer.alloc(0) });
        return;
      }
      const declared = Number(responseHeaders['content-length']);
      if (Number.isFinite(declared) && declared > settings.maxBodyBytes) {
        fail(new FetchError('too-large', `${url.href} declares ${declared} bytes, more than ${settings.maxBodyBytes}`));
        return;
      }
      const encoding = (responseHeaders['content-encoding'] ?? '').trim().toLowerCase();
      if (!['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) {
        fail(new FetchError('decompress', `unsupported Content-Encoding "${encoding.slice(0, 50)}"`));
        return;
      }
      const chunks: Buffer[] = [];
      let decodedBytes = 0;
      const collect = (chunk: Buffer) => {
        decodedBytes += chunk.length;
        if (decodedBytes > settings.maxBodyBytes) {
          fail(new FetchError('too-large', `${url.href} is larger than ${settings.maxBodyBytes} bytes${decoder ? ' once decompressed' : ''}`));
          return;
        }
        chunks.push(chunk);
      };
      const complete = () => {
        if (settled) return;
        finish();
        resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) });
      };

      let wireBytes = 0;
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        wireBytes += chunk.length;
        if (wireBytes > settings.maxBodyBytes) {
          fail(new FetchError('too-large', `${url.href} sent more than ${settings.maxBodyBytes} bytes`));
          return;
        }
        if (encoding === '' || encoding === 'identity') {
          collect(chunk);
          return;
        }
        if (!decoder) {
          decoder = createDecoder(encoding, chunk);
          decoder.on('data', collect);
          decoder.on('error', (error) => fail(new FetchError('decompress', `cannot decompress ${url.href}: ${error.message}`)));
          decoder.on('end', complete);
        }
        decoder.write(chunk);
      });
      incoming.on('end', () => {
        if (decoder) decoder.end();
        else complete();
      });
      // Once the headers are in, a connection that ends early cut the body short (Content-Length or the chunked
      // encoding's last chunk never came).
      const truncated = () => fail(new FetchError('truncated', `the connection to ${url.host} ended before the body was complete`));
      incoming.on('aborted', truncated);
      incoming.on('error', truncated);
    });
    request.end();
  });
}

/** Deflate is sent both zlib-wrapped (as the spec says) and raw (as some servers do); the first bytes tell which. */
function createDecoder(encoding: string, firstChunk: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress {
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'deflate') {
    const [cmf = 0, flg = 0] = firstChunk;
    const zlibWrapped = firstChunk.length < 2 || ((cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0);
    return zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
  }
  return zlib.createGunzip();
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
