/* global AbortController */
/**
 * The reader's state, in one object: which view is on screen (and the signal that cancels its requests when the
 * next one replaces it), the list on screen as going back to it needs it, where an article's "Back" link leads, and
 * the sources. Views read and change it through these functions; nothing else in the reader is module-level state.
 */

export function createReaderState() {
  return {
    /** The AbortController of the view on screen. */
    view: null,
    /** The list on screen once its articles are: `{ href, items, cursor }`, kept when it is left (list-memory.js). */
    list: null,
    /** The last list shown, where "← Back to the articles" leads. */
    listHref: '#/',
    /** The href of a list its "← Back to the articles" link was followed to: it comes back as it was left. */
    returningTo: null,
    /**
     * Where the page was scrolled at the last `popstate`, `{ hash, scrollY }`: the place of the list being left,
     * taken before anything moves the page (a browser that restores scroll itself does so before `hashchange`).
     */
    leaving: null,
    /** When the page was last hidden (`pagehide`), to tell how long it waited in the back-forward cache. */
    hiddenAt: 0,
    /** A promise of the sources, or of null when they could not be loaded. */
    sources: Promise.resolve(null),
    /** A source list that failed to load (API down at start) is asked for again with the next view. */
    sourcesFailed: false,
  };
}

/** Cancels the view on screen and returns the signal of the one that replaces it. */
export function beginView(state) {
  state.view?.abort();
  state.list = null;
  state.view = new AbortController();
  return state.view.signal;
}

/** The source of that id, once the sources are in; null when unknown or unavailable. */
export async function findSource(state, id) {
  return (await state.sources)?.find((candidate) => candidate.id === id) ?? null;
}
