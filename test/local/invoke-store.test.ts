/**
 * local/handlers.ts runs overlapping invocations in one process, each in a context of its own, which only a store
 * that isolates them gives. The library hands back whatever store the process already has: here one made as the AWS
 * SDK makes it on its first call (without AWS_LAMBDA_MAX_CONCURRENCY, a single context at a time), before
 * local/handlers.ts loads, which must then refuse to load rather than let invocations share a context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { afterAll, describe, expect, it } from '@jest/globals';
import { isolatesInvocations } from '../../local/invoke-store';

/** A store that keeps each invocation's context in an AsyncLocalStorage, as the library's multi-context one does. */
class IsolatingStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<Record<string | symbol, unknown>>();
  getContext = () => this.als.getStore();
  hasContext = () => this.als.getStore() !== undefined;
  get = <T>(key: string | symbol) => this.als.getStore()?.[key] as T | undefined;
  set = () => {
    throw new Error('not needed here');
  };
  run = <T>(context: Record<string | symbol, unknown>, fn: () => T): T => this.als.run(context, fn);
}

const maxConcurrency = process.env.AWS_LAMBDA_MAX_CONCURRENCY;
afterAll(() => {
  if (maxConcurrency !== undefined) process.env.AWS_LAMBDA_MAX_CONCURRENCY = maxConcurrency;
});

describe('the invocation store', () => {
  it('tells a store that isolates overlapping invocations from one that holds a single context', async () => {
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
    // What the SDK asks for on its first call: the process's store, made single-context for want of the variable.
    const sdkMade = await InvokeStore.getInstanceAsync();
    expect(await isolatesInvocations(sdkMade)).toBe(false);
    expect(await isolatesInvocations(new IsolatingStore())).toBe(true);
  });

  it('keeps local/handlers.ts from loading on a store made single-context before it', async () => {
    await expect(import('../../local/handlers')).rejects.toThrow(/holds one context at a time.*import local\/handlers\.ts first/s);
  });
});
