/* global window, document */
/**
 * One article: title, source, time, byline, lead image, body, topics and a link to the original, with the related
 * box beside it and the comments under it. An article the API no longer has says so, with a way back.
 */
import { commentsSection } from './comments.js';
import { h } from './dom.js';
import { safeHttpUrl, splitParagraphs } from './format.js';
import { metaLine, sourceLabel } from './meta-line.js';
import { errorNotice } from './notices.js';
import { relatedBox, requestRelated } from './related-box.js';
import { hrefFor } from './routes.js';

/**
 * Shows the article of `route`. `place` is where the reader was in it when the page went away (readingOffset,
 * article-place.js): on a page that comes back without focus moving (a reload, Back from another page), the article
 * opens there.
 */
export async function renderArticle(app, route, signal, focus, { place = null } = {}) {
  const { api, auth, shell, state } = app;
  // The list comes back as it was left (reader.js); a click that opens a new tab or window leaves it alone.
  const returnToList = (event) => {
    if (!event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) state.returningTo = state.listHref;
  };
  const back = h('a', { class: 'back', href: state.listHref, onclick: returnToList }, '← Back to the articles');
  const region = h('div', { class: 'view-body' });
  shell.main.replaceChildren(h('nav', { 'aria-label': 'Back' }, back), region);
  shell.setTitle('Loading…');
  shell.setBusy(region, 'Loading the article…');
  if (focus) back.focus();

  const related = requestRelated(api, route.id, signal);
  let article;
  try {
    article = await api.getArticle(route.id, signal);
  } catch (error) {
    if (signal.aborted) return;
    shell.setIdle();
    showFailure(app, region, error, focus);
    return;
  }
  if (signal.aborted) return;
  shell.setIdle();
  shell.setTitle(article.title);
  const topics = topicsOf(article);
  app.header.rememberTopics(topics);
  const box = relatedBox();
  const comments = commentsSection({ api, articleId: article.id, commentCount: article.commentCount, auth, announce: shell.announce, signal });
  region.classList.add('article-view');
  region.replaceChildren(h('div', { class: 'story-column' }, story(article, topics), comments.element), box.element);
  const commentsLoaded = comments.start();
  shell.announce(`Article: ${article.title}`);
  // A place in the comments or past the related box (on a phone) is there only once they are: the page goes the rest
  // of the way then, unless the reader has moved it meanwhile.
  const placing = !focus && place !== null && placeReading(place) ? watchReader() : null;
  if (focus) {
    document.getElementById('article-title')?.focus();
    window.scrollTo(0, 0);
  }

  const outcome = await related;
  if (!signal.aborted) box.show(outcome);
  if (placing) {
    await Promise.resolve(commentsLoaded).catch(() => undefined);
    if (!signal.aborted && !placing.moved()) placeReading(place);
    placing.stop();
  }
}

/** Whether the reader has scrolled, typed or touched since: `{ moved(), stop() }`. */
function watchReader() {
  let moved = false;
  const mark = () => {
    moved = true;
  };
  const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'];
  for (const name of events) window.addEventListener(name, mark, { passive: true });
  return {
    moved: () => moved,
    stop: () => events.forEach((name) => window.removeEventListener(name, mark)),
  };
}

/** What the reader's place in an article is measured against: its text, else the whole story. */
const readingAnchor = () => document.querySelector('#main .story-body') ?? document.querySelector('#main .story');

/** How far the article's text is scrolled above the window's top (CSS pixels), or null at the top or with none shown. */
export function readingOffset() {
  const anchor = readingAnchor();
  return anchor && window.scrollY > 0 ? -anchor.getBoundingClientRect().top : null;
}

/** Scrolls to `offset` (readingOffset) as far as the page goes yet; false when there is no text to place. */
function placeReading(offset) {
  const anchor = readingAnchor();
  if (!anchor) return false;
  window.scrollTo(0, Math.max(0, window.scrollY + anchor.getBoundingClientRect().top + offset));
  return true;
}

function showFailure({ shell, retry }, region, error, focus) {
  const gone = error.kind === 'not-found' || error.code === 'invalid_id';
  const title = gone ? 'This article is no longer available' : 'The article could not be loaded';
  shell.setTitle(title);
  const heading = h('h1', { tabindex: '-1' }, title);
  region.replaceChildren(
    heading,
    gone
      ? h(
          'div',
          { class: 'notice', role: 'alert' },
          h('p', {}, 'It may have been removed by its source, or the link is wrong.'),
          h('p', {}, h('a', { href: '#/' }, 'See the latest news')),
        )
      : errorNotice(error, retry),
  );
  shell.announce(title);
  if (focus) heading.focus();
}

/** `topics` is `[{ topic, label }]`: `topic` is the normalised value for the route, `label` how it reads. */
function topicsOf(article) {
  return (Array.isArray(article.topics) ? article.topics : [])
    .filter((item) => typeof item?.topic === 'string' && item.topic !== '')
    .map(({ topic, label }) => ({ topic, label: typeof label === 'string' && label !== '' ? label : topic }));
}

function story(article, topics) {
  const imageUrl = safeHttpUrl(article.imageUrl);
  const originalUrl = safeHttpUrl(article.url);
  const paragraphs = splitParagraphs(article.body);
  // The article's language marks its own text only: the page's words around it (the meta line, "Topics", the link to
  // the original) stay in the page's, so that a screen reader does not read them in the article's voice.
  const lang = typeof article.language === 'string' ? article.language : undefined;
  let figure = null;
  if (imageUrl) {
    const image = h('img', { src: imageUrl, alt: `Lead image for: ${article.title}`, loading: 'lazy', decoding: 'async' });
    // A dead image link should leave no broken-image icon behind.
    image.addEventListener('error', () => figure?.remove());
    figure = h('figure', { class: 'lead-image' }, image);
  }
  return h(
    'article',
    { class: 'story', 'aria-labelledby': 'article-title' },
    h(
      'header',
      {},
      h('h1', { id: 'article-title', tabindex: '-1', dir: 'auto', lang }, article.title || 'Untitled'),
      metaLine(article, typeof article.byline === 'string' && article.byline ? `By ${article.byline}` : null),
    ),
    figure,
    paragraphs.length > 0
      ? h('div', { class: 'story-body', lang }, paragraphs.map((paragraph) => h('p', { dir: 'auto' }, paragraph)))
      : h('p', { class: 'notice', dir: 'auto', lang: article.summary ? lang : undefined }, article.summary || 'This article has no text to show.'),
    h(
      'footer',
      { class: 'story-footer' },
      topics.length > 0
        ? h(
            'div',
            { class: 'topics' },
            h('span', { class: 'filter-label', id: 'topics-label' }, 'Topics'),
            h(
              'ul',
              { class: 'chips', 'aria-labelledby': 'topics-label' },
              topics.map(({ topic, label }) => h('li', {}, h('a', { class: 'chip', href: hrefFor({ view: 'topic', topic }) }, label))),
            ),
          )
        : null,
      originalUrl
        ? h('p', {}, h('a', { href: originalUrl, rel: 'noopener noreferrer' }, `Read the original at ${sourceLabel(article)}`))
        : null,
    ),
  );
}
