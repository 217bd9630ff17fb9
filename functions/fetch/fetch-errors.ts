/**
 * Node's and the guards' errors as FetchErrors, whose kind says what happened (classify-failure.ts says what each
 * kind means for a page). Messages name hosts, never addresses: they become a source's public lastError.
 */
import { FetchError } from '../ports';
import { withholdAddresses } from '../shared/withhold-addresses';
import { BlockedAddressError } from './address-guard';
import { InvalidUrlError } from './canonical-url';

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** The name does not exist: asking again will not make it. (EAI_AGAIN, a resolver that did not answer, may.) */
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_NONAME']);
/** Node's and OpenSSL's codes for a certificate that cannot be trusted (X509_V_ERR_* without the prefix). */
const CERTIFICATE_CODES = /^(?:ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_DECRYPT_\w+|\w*CERT\w*)$/;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A node or guard error, as a FetchError whose kind says what happened. */
export function toFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  if (error instanceof BlockedAddressError) return new FetchError('blocked-address', error.message);
  if (error instanceof InvalidUrlError) return new FetchError('bad-url', error.message);
  // With happy eyeballs, a failure to connect to every address arrives as an AggregateError.
  const cause = error instanceof AggregateError && error.errors[0] ? error.errors[0] : error;
  if (cause instanceof BlockedAddressError) return new FetchError('blocked-address', cause.message);
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  // Node names the address it connected to (`connect ECONNREFUSED 203.0.113.7:443`); the message becomes a source's
  // public lastError, which names the host only.
  const message = withholdAddresses((cause as Error).message ?? String(cause));
  if (UNKNOWN_HOST_CODES.has(code)) return new FetchError('unknown-host', `no such host: ${message}`);
  if (CERTIFICATE_CODES.test(code)) return new FetchError('tls', `untrusted certificate: ${message}`);
  if (CONNECT_CODES.has(code)) return new FetchError('connect', `cannot connect: ${message}`);
  if (RESET_CODES.has(code)) return new FetchError('reset', `connection reset: ${message}`);
  if (code === 'ETIMEDOUT') return new FetchError('timeout', `timed out: ${message}`);
  if (code.startsWith('HPE_')) return new FetchError('malformed', `invalid HTTP response: ${message}`);
  if (code === 'ERR_INVALID_URL' || code === 'ERR_INVALID_CHAR' || code === 'ERR_UNESCAPED_CHARACTERS') {
    return new FetchError('bad-url', message);
  }
  // TLS protocol failures and anything else on the way to a connection.
  return new FetchError('connect', `cannot connect: ${message}`);
}
