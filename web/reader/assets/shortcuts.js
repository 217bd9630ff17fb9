/* global window, document */
/**
 * Keys news readers (Miniflux among them) have taught: j/k move between article titles, / jumps to the search box.
 * And the skip link, which must not change the hash: the hash is the route.
 */

export function installShortcuts({ main, searchInput }, doc = document) {
  doc.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof window.HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key === '/') {
      event.preventDefault();
      searchInput.focus();
      return;
    }
    if (event.key !== 'j' && event.key !== 'k') return;
    const links = [...main.querySelectorAll('.card-title a')];
    if (links.length === 0) return;
    const index = links.indexOf(doc.activeElement);
    const next = event.key === 'j' ? Math.min(index + 1, links.length - 1) : index === -1 ? 0 : Math.max(index - 1, 0);
    links[next].focus();
    event.preventDefault();
  });

  doc.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
}
