/**
 * Where the reader was in an article when the page went away (a reload, another page), for when it comes back: how
 * far the text's top was above the window's (article-view.js, readingOffset), so that a lead image that comes in later
 * above the text does not move the place. For when it comes back:
 * `history.scrollRestoration` is `manual` (reader.js), and the browser's own restoring would come too late anyway, as
 * the article's text arrives after the page has loaded. One place, for the article on screen, in the tab's
 * sessionStorage, kept for KEEP_FOR_MS; read once. Storage that is denied, full or holds something unreadable keeps
 * nothing, and the article opens at the top.
 */

const KEY = 'newsweave.articlePlace';

/** `storage` is the tab's sessionStorage, or null where the browser denies it (session.js: tabStorage). */
export function createArticlePlace(storage, keepForMs, now = () => Date.now()) {
  return {
    /** Keeps the place (`offset`, in CSS pixels; null at the top) of the article at `hash`, as the page goes away. */
    keep(hash, offset) {
      try {
        storage?.setItem(KEY, JSON.stringify({ hash, offset: offset === null ? null : Math.round(offset), savedAt: now() }));
      } catch {
        // Full or refused: the article opens at the top.
      }
    },
    /** The kept place of the article at `hash`, or null; what was kept is forgotten either way. */
    take(hash) {
      let saved;
      try {
        saved = JSON.parse(storage?.getItem(KEY) ?? 'null');
        storage?.removeItem(KEY);
      } catch {
        return null;
      }
      const age = now() - saved?.savedAt;
      const fresh = Number.isFinite(age) && age >= 0 && age <= keepForMs;
      return saved?.hash === hash && fresh && Number.isFinite(saved.offset) ? saved.offset : null;
    },
  };
}
