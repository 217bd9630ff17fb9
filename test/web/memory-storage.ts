/**
 * A Storage (sessionStorage's interface) over a Map, for the reader's modules tested in node. `refuse(key, value)`
 * returning true makes setItem throw as a full storage does.
 */
export function memoryStorage(refuse: (key: string, value: string) => boolean = () => false): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => {
      if (refuse(key, value)) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
      items.set(key, value);
    },
  };
}
