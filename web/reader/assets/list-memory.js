/**
 * What a list leaves behind for the reader's way back to it: the articles it showed (what their cards need), the
 * cursor after them, how far the page was scrolled and which article was opened from it. One entry per list (its
 * hash route, so the latest news, a topic and a search each have their own), in the tab's sessionStorage, so that a
 * page brought back from the history without the back-forward cache finds them too.
 *
 * Bounded: an entry is kept for KEEP_FOR_MS (after that the news has moved on and the list loads from the top), at
 * most MAX_LISTS lists and MAX_CHARS characters in all, the least recently left dropped first. Storage that is denied,
 * full or holds something unreadable keeps nothing, and the list loads from the top as it would without this module.
 */

const KEY = 'newsweave.lists';
/** How long after leaving a list it comes back as it was left. */
export const KEEP_FOR_MS = 30 * 60_000;
const MAX_LISTS = 6;
/** About 2 MB as sessionStorage counts (UTF-16), of the 5 MB or so browsers give an origin. */
const MAX_CHARS = 1_000_000;

/** `storage` is the tab's sessionStorage, or null where the browser denies it (session.js: tabStorage). */
export function createListMemory(storage, now = () => Date.now()) {
  const isFresh = (entry) => {
    const age = now() - entry.savedAt;
    return age >= 0 && age <= KEEP_FOR_MS;
  };

  /** The fresh, readable entries, least recently left first. */
  function readEntries() {
    let entries;
    try {
      entries = JSON.parse(storage?.getItem(KEY) ?? '[]');
    } catch {
      return [];
    }
    return Array.isArray(entries) ? entries.filter((entry) => isEntry(entry) && isFresh(entry)) : [];
  }

  /** Writes what fits, dropping the oldest entries until it does; nothing at all when even one does not. */
  function writeEntries(entries) {
    if (!storage) return;
    for (let kept = entries.slice(-MAX_LISTS); ; kept = kept.slice(1)) {
      const text = JSON.stringify(kept);
      try {
        if (kept.length === 0) {
          storage.removeItem(KEY);
          return;
        }
        if (text.length <= MAX_CHARS) {
          storage.setItem(KEY, text);
          return;
        }
      } catch {
        // Full (QuotaExceededError) or refused: try again with less.
        if (kept.length === 0) return;
      }
    }
  }

  return {
    /** The list at `href` as it was left, or null when none was kept or it is too old. */
    recall(href) {
      const entry = readEntries().find((candidate) => candidate.href === href);
      return entry ? { items: entry.items, cursor: entry.cursor, scrollY: entry.scrollY, openedId: entry.openedId } : null;
    },
    /** Keeps the list at `href` as it is being left: `{ items, cursor, scrollY, openedId }`. */
    remember(href, { items, cursor, scrollY, openedId = null }) {
      const entry = { href, items: items.map(cardFields), cursor, scrollY: Math.max(0, Math.round(scrollY)), openedId, savedAt: now() };
      const others = readEntries().filter((candidate) => candidate.href !== href);
      // A list too long to keep is not kept (nor is an older state of it); the others stay.
      writeEntries(isEntry(entry) && JSON.stringify(entry).length < MAX_CHARS ? [...others, entry] : others);
    },
    forget(href) {
      const entries = readEntries();
      if (entries.some((candidate) => candidate.href === href)) writeEntries(entries.filter((candidate) => candidate.href !== href));
    },
  };
}

/** What a card shows of an article (list-view.js, meta-line.js), and nothing else. */
function cardFields({ id, title, summary, publishedAt, source }) {
  return { id, title, summary, publishedAt, source: source ? { id: source.id, name: source.name } : undefined };
}

/** An entry as remember() writes it; storage can hold anything (an older page's format, another tab's edits). */
function isEntry(entry) {
  return (
    typeof entry?.href === 'string' &&
    Array.isArray(entry.items) &&
    entry.items.every((item) => typeof item?.id === 'string' && item.id !== '' && typeof item.title === 'string') &&
    (entry.cursor === null || (typeof entry.cursor === 'string' && entry.cursor !== '')) &&
    Number.isFinite(entry.scrollY) &&
    entry.scrollY >= 0 &&
    (entry.openedId === null || typeof entry.openedId === 'string') &&
    Number.isFinite(entry.savedAt)
  );
}
