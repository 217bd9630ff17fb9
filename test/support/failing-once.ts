/**
 * A store whose `method` fails once, as a throttled or unreachable DynamoDB would make it fail, and then works: the
 * other methods are the store's own.
 */
export function failingOnce<T extends object>(store: T, method: string): T {
  let failNext = true;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (failNext) {
          failNext = false;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
