/**
 * The invocation store the local runtime runs its handlers' invocations in (local/handlers.ts), and the check that it
 * keeps each invocation's context apart from those that overlap it.
 */
import { InvokeStoreBase } from '@aws/lambda-invoke-store';

/**
 * Whether `store` gives each of two overlapping invocations a context of its own: the first reads its request id
 * after the second has started. A store that holds a single context at a time (what the library makes without
 * AWS_LAMBDA_MAX_CONCURRENCY) hands the first the second's.
 */
export async function isolatesInvocations(store: InvokeStoreBase): Promise<boolean> {
  const REQUEST_ID = InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID;
  let secondStarted!: () => void;
  const started = new Promise<void>((resolve) => (secondStarted = resolve));
  const first = store.run({ [REQUEST_ID]: 'isolation-probe-1' }, async () => {
    await started;
    return store.getRequestId();
  });
  const second = store.run({ [REQUEST_ID]: 'isolation-probe-2' }, async () => {
    secondStarted();
    await Promise.resolve();
    return store.getRequestId();
  });
  const [firstSees, secondSees] = await Promise.all([first, second]);
  return firstSees === 'isolation-probe-1' && secondSees === 'isolation-probe-2';
}

/** Thrown when the process's store would let overlapping invocations share one context. */
export class SharedInvokeStoreError extends Error {
  override readonly name = 'SharedInvokeStoreError';
  constructor() {
    super(
      'The process already has an invocation store (globalThis.awslambda.InvokeStore) that holds one context at a time, ' +
        'so overlapping local invocations would share their request id, log keys, metrics and batch failures. ' +
        'Something made an AWS SDK call (or asked for the store) before local/handlers.ts loaded: import local/handlers.ts first.',
    );
  }
}

/** Throws SharedInvokeStoreError unless `store` isolates overlapping invocations. */
export async function assertIsolatesInvocations(store: InvokeStoreBase): Promise<InvokeStoreBase> {
  if (!(await isolatesInvocations(store))) throw new SharedInvokeStoreError();
  return store;
}
