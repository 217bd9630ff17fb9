/**
 * The article queue's message contract: what the fetcher sends (ArticleMessage, functions/contracts/model.ts) and
 * how the worker and the redrive read it back, whatever carries it.
 */
import type { ArticleMessage } from './model';

/** Parses and checks a queue message body; a malformed one is a poison message. */
export function parseArticleMessage(body: string): ArticleMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('message body is not JSON');
  }
  const message = parsed as Partial<ArticleMessage> | null;
  if (
    typeof message !== 'object' ||
    message === null ||
    message.v !== 1 ||
    typeof message.url !== 'string' ||
    typeof message.sourceId !== 'string' ||
    typeof message.sourceName !== 'string' ||
    typeof message.correlationId !== 'string'
  ) {
    throw new MalformedMessageError('message is not an ArticleMessage v1');
  }
  return message as ArticleMessage;
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}
