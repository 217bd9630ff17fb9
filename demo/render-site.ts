/**
 * Renders the demo outlets (demo/site) from the article texts in demo/content: each outlet with its own page chrome
 * and its own feed format, so that every parser path and the usual boilerplate hazards show up in `npm start`.
 * Pure: returns the files; demo/build-site.ts writes them. Absolute URLs start with `{{BASE_URL}}`, which the
 * demo server replaces with its origin.
 */
import { ARTICLES, type DemoArticle } from './content/articles';
import { COMMENTS, OUTLETS, type DemoOutlet } from './content/outlets';

const BASE = '{{BASE_URL}}';

/** Site-relative path (`/harbor-times/...`) of an article page; each outlet has its own URL scheme. */
export function articlePath(article: DemoArticle): string {
  switch (article.outlet) {
    case 'harbor-times':
      return `/harbor-times/${article.published.slice(0, 10).replaceAll('-', '/')}/${article.slug}.html`;
    case 'northern-ledger':
      return `/northern-ledger/${article.section.toLowerCase()}/${article.slug}.html`;
    case 'meridian-post':
      return `/meridian-post/stories/${article.slug}.html`;
    case 'continental-courier':
      return `/continental-courier/articles/${article.slug}.html`;
  }
}

export function feedPath(outlet: DemoOutlet): string {
  return `/${outlet.id}/${outlet.feed.file}`;
}

/** For attribute values and XML; text nodes use escapeText, so quotes in the prose stay as typed. */
function escapeHtml(text: string): string {
  return escapeText(text).replaceAll('"', '&quot;');
}

function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** JSON inside `<script>`: `</` would end the element early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replaceAll('</', '<\\/');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

/** "23 November 2026, 09:40", read from the ISO string itself so the output does not depend on the machine's zone. */
function displayDate(iso: string): string {
  const [, year, month, day, time] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso) ?? [];
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}, ${time}`;
}

function articlesOf(outlet: DemoOutlet): DemoArticle[] {
  return ARTICLES.filter((a) => a.outlet === outlet.id).sort((a, b) => Date.parse(b.published) - Date.parse(a.published));
}

/** Another article of the same outlet, for the "Also read:" line: the next one in the outlet's list. */
function alsoRead(article: DemoArticle): DemoArticle {
  const own = ARTICLES.filter((a) => a.outlet === article.outlet);
  return own[(own.indexOf(article) + 1) % own.length] as DemoArticle;
}

function paragraphs(list: readonly string[]): string[] {
  return list.map((p) => `<p>${escapeText(p)}</p>`);
}

/** Body paragraphs with the in-body boilerplate a real page interleaves: an ad slot and an "Also read:" line. */
function bodyWithInserts(article: DemoArticle, adSlot: string, alsoReadLine: string): string {
  const parts = paragraphs(article.paragraphs);
  parts.splice(4, 0, alsoReadLine);
  parts.splice(2, 0, adSlot);
  return parts.join('\n        ');
}

function headMeta(outlet: DemoOutlet, article: DemoArticle): string {
  const url = BASE + articlePath(article);
  return `<title>${escapeHtml(article.headline)} | ${escapeHtml(outlet.name)}</title>
  <meta name="description" content="${escapeHtml(article.description)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="canonical" href="${url}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="${escapeHtml(outlet.name)}">
  <meta property="og:title" content="${escapeHtml(article.headline)}">
  <meta property="og:description" content="${escapeHtml(article.description)}">
  <meta property="og:image" content="${BASE}${article.image}">
  <meta property="og:url" content="${url}">
  <meta property="article:published_time" content="${article.published}">${article.modified ? `
  <meta property="article:modified_time" content="${article.modified}">` : ''}
  <meta property="article:section" content="${escapeHtml(article.section)}">
  <meta name="twitter:card" content="summary_large_image">`;
}

function newsArticleJsonLd(outlet: DemoOutlet, article: DemoArticle): string {
  const url = BASE + articlePath(article);
  const data = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    headline: article.headline,
    description: article.description,
    image: [BASE + article.image],
    datePublished: article.published,
    dateModified: article.modified ?? article.published,
    articleSection: article.section,
    author: article.wireCredit
      ? { '@type': 'Organization', name: article.author }
      : { '@type': 'Person', name: article.author },
    publisher: {
      '@type': 'Organization',
      name: outlet.name,
      logo: { '@type': 'ImageObject', url: `${BASE}/img/${outlet.id}/logo.png` },
    },
  };
  return `<script type="application/ld+json">\n${scriptJson(data)}\n</script>`;
}

function commentsHtml(article: DemoArticle, heading: string): string {
  const comments = COMMENTS[article.story];
  return `<section class="comments" id="comments">
      <h2>${heading} (${comments.length})</h2>
      <ol>
${comments.map((c) => `        <li class="comment"><span class="comment-author">${escapeText(c.name)}</span><p>${escapeText(c.text)}</p><a href="#comments" class="reply">Reply</a></li>`).join('\n')}
      </ol>
      <p class="comments-note">Comments are moderated. <a href="${BASE}/${article.outlet}/community-guidelines">Read our community guidelines</a>.</p>
    </section>`;
}

function linkList(outlet: DemoOutlet, exclude: DemoArticle): string {
  return articlesOf(outlet)
    .filter((a) => a !== exclude)
    .map((a) => `<li><a href="${BASE}${articlePath(a)}">${escapeHtml(a.headline)}</a></li>`)
    .join('\n          ');
}

function harborTimesPage(outlet: DemoOutlet, article: DemoArticle): string {
  const also = alsoRead(article);
  const credit = article.wireCredit ? `\n        <p class="wire-credit"><em>${escapeHtml(article.wireCredit)}</em></p>` : '';
  return `<!DOCTYPE html>
<html lang="${outlet.lang}">
<head>
  <meta charset="utf-8">
  ${headMeta(outlet, article)}
  <link rel="stylesheet" href="${BASE}/harbor-times/assets/ht.css">
  ${newsArticleJsonLd(outlet, article)}
</head>
<body class="ht-article">
  <div id="cookie-consent" class="ht-cookie" role="dialog" aria-label="Cookie consent">
    <p>We use cookies to personalise content and ads and to analyse our traffic. By clicking "Accept all" you agree to the storing of cookies on your device.</p>
    <button type="button">Accept all</button> <button type="button">Manage preferences</button>
  </div>
  <header class="ht-masthead">
    <a class="ht-logo" href="${BASE}/harbor-times/">${escapeHtml(outlet.name)}</a>
    <p class="ht-tagline">${escapeHtml(outlet.tagline)}</p>
    <nav aria-label="Sections">
      <ul><li><a href="${BASE}/harbor-times/">Home</a></li><li><a href="${BASE}/harbor-times/national">National</a></li><li><a href="${BASE}/harbor-times/business">Business</a></li><li><a href="${BASE}/harbor-times/economy">Economy</a></li><li><a href="${BASE}/harbor-times/sport">Sport</a></li><li><a href="${BASE}/harbor-times/opinion">Opinion</a></li><li><a href="${BASE}/harbor-times/subscribe">Subscribe</a></li></ul>
    </nav>
  </header>
  <main>
    <article class="ht-story">
      <p class="ht-kicker"><a href="${BASE}/harbor-times/${article.section.toLowerCase()}">${escapeHtml(article.section)}</a></p>
      <h1>${escapeHtml(article.headline)}</h1>
      <p class="ht-standfirst">${escapeHtml(article.description)}</p>
      <div class="ht-byline">By <a rel="author" href="${BASE}/harbor-times/staff/${article.author.toLowerCase().replaceAll(' ', '-')}">${escapeHtml(article.author)}</a>
        · <time datetime="${article.published}">${displayDate(article.published)}</time>${article.modified ? `
        · Updated <time datetime="${article.modified}">${displayDate(article.modified)}</time>` : ''}</div>
      <div class="ht-share" aria-label="Share this article">
        Share: <a href="https://twitter.com/intent/tweet?url=${BASE}${articlePath(article)}">Twitter</a> <a href="https://www.facebook.com/sharer/sharer.php?u=${BASE}${articlePath(article)}">Facebook</a> <a href="mailto:?subject=${encodeURIComponent(article.headline)}">Email</a> <button type="button">Copy link</button>
      </div>
      <figure class="ht-lead-image">
        <img src="${BASE}${article.image}" alt="" width="1200" height="675">
        <figcaption>${escapeHtml(article.imageCaption)}</figcaption>
      </figure>
      <div class="ht-body">
        ${bodyWithInserts(
          article,
          '<aside class="ht-ad"><span class="ht-ad-label">Advertisement</span><div class="ht-ad-slot" data-slot="mid-article"></div></aside>',
          `<p class="ht-also-read"><strong>Also read:</strong> <a href="${BASE}${articlePath(also)}">${escapeHtml(also.headline)}</a></p>`,
        )}${credit}
      </div>
      <aside class="ht-newsletter">
        <h2>The Morning Tide</h2>
        <p>The day's essential stories from Velmouth and beyond, in your inbox by 7 a.m. Sign up for our free newsletter.</p>
        <form action="${BASE}/harbor-times/newsletter" method="post"><input type="email" name="email" placeholder="Your email address"> <button type="submit">Sign up</button></form>
      </aside>
      ${commentsHtml(article, 'Comments')}
    </article>
    <aside class="ht-sidebar">
      <h2>Most read</h2>
      <ol>
          ${linkList(outlet, article)}
      </ol>
      <div class="ht-ad"><span class="ht-ad-label">Advertisement</span></div>
    </aside>
  </main>
  <footer class="ht-footer">
    <ul><li><a href="${BASE}/harbor-times/about">About us</a></li><li><a href="${BASE}/harbor-times/contact">Contact</a></li><li><a href="${BASE}/harbor-times/privacy">Privacy policy</a></li><li><a href="${BASE}/harbor-times/terms">Terms</a></li><li><a href="${BASE}/harbor-times/rss.xml">RSS</a></li></ul>
    <p>© 2026 Harbor Times Media Ltd. All rights reserved. Registered in Velmouth.</p>
  </footer>
</body>
</html>
`;
}

function northernLedgerPage(outlet: DemoOutlet, article: DemoArticle): string {
  const also = alsoRead(article);
  return `<!doctype html>
<html lang="${outlet.lang}" class="no-js">
  <head>
    <meta charset="UTF-8">
    ${headMeta(outlet, article)}
    ${newsArticleJsonLd(outlet, article)}
    <script>document.documentElement.className = 'js';</script>
  </head>
  <body>
    <div class="consent-banner" data-component="consent">
      <strong>Your privacy</strong> We and our 143 partners use cookies and similar technologies. <a href="${BASE}/northern-ledger/cookies">Cookie policy</a>
      <button>I agree</button><button>Reject non-essential</button>
    </div>
    <header class="site-header">
      <div class="brand"><a href="${BASE}/northern-ledger/">${escapeHtml(outlet.name)}</a> <span>${escapeHtml(outlet.tagline)}</span></div>
      <nav class="primary-nav"><a href="${BASE}/northern-ledger/economy/">Economy</a> | <a href="${BASE}/northern-ledger/regions/">Regions</a> | <a href="${BASE}/northern-ledger/sport/">Sport</a> | <a href="${BASE}/northern-ledger/markets/">Markets</a> | <a href="${BASE}/northern-ledger/login">Sign in</a></nav>
    </header>
    <div class="layout">
      <main id="main-content">
        <nav class="breadcrumbs"><a href="${BASE}/northern-ledger/">Home</a> › <a href="${BASE}/northern-ledger/${article.section.toLowerCase()}/">${escapeHtml(article.section)}</a></nav>
        <article class="story" data-story-id="${article.slug}">
          <header>
            <h1 class="story__headline">${escapeHtml(article.headline)}</h1>
            <h2 class="story__dek">${escapeHtml(article.description)}</h2>
            <div class="story__meta"><span class="story__author">${escapeHtml(article.author)}</span>, ${article.section} correspondent · <time datetime="${article.published}" class="story__date">${displayDate(article.published)} GMT</time></div>
            <ul class="share-tools"><li><a href="https://www.linkedin.com/shareArticle?url=${BASE}${articlePath(article)}">LinkedIn</a></li><li><a href="https://twitter.com/intent/tweet?url=${BASE}${articlePath(article)}">X</a></li><li><a href="#comments">Comments</a></li><li><button>Save</button></li></ul>
          </header>
          <picture class="story__image"><img src="${BASE}${article.image}" alt="${escapeHtml(article.imageCaption)}"></picture>
          <p class="story__caption">${escapeHtml(article.imageCaption)}</p>
          <div class="story__body" itemprop="articleBody">
        ${bodyWithInserts(
          article,
          '<div class="ad-container"><p class="ad-label">STORY CONTINUES BELOW THIS AD</p><div id="ad-mpu-1"></div></div>',
          `<p class="inline-link">Also read: <a href="${BASE}${articlePath(also)}">${escapeHtml(also.headline)}</a></p>`,
        )}
          </div>
          <p class="story__corrections">Spotted an error? <a href="${BASE}/northern-ledger/corrections">Tell our corrections desk</a>.</p>
        </article>
        <section class="newsletter-signup">
          <h3>Ledger Briefing</h3>
          <p>Get the five numbers that matter in your inbox every weekday.</p>
          <form><label>Email <input type="email" name="email"></label><button>Subscribe</button></form>
        </section>
        ${commentsHtml(article, 'Reader comments')}
      </main>
      <aside class="rail">
        <section><h3>More from the Ledger</h3><ul>
          ${linkList(outlet, article)}
        </ul></section>
        <section class="rail-markets"><h3>Markets</h3><p>ESX 30 4,812.5 ▲0.4% · EUR/ESC 11.42 ▲0.6%</p></section>
      </aside>
    </div>
    <footer class="site-footer">
      <p><a href="${BASE}/northern-ledger/about">About the Ledger</a> · <a href="${BASE}/northern-ledger/advertise">Advertise</a> · <a href="${BASE}/northern-ledger/privacy">Privacy</a> · <a href="${BASE}/northern-ledger/atom.xml">Atom feed</a></p>
      <p>Copyright © The Northern Ledger 2026</p>
    </footer>
  </body>
</html>
`;
}

function meridianPostPage(outlet: DemoOutlet, article: DemoArticle): string {
  const also = alsoRead(article);
  const credit = article.wireCredit ? `\n          <p class="mp-credit">${escapeHtml(article.wireCredit)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="${outlet.lang}" dir="ltr">
<head>
<meta charset="utf-8">
${headMeta(outlet, article)}
<link rel="alternate" type="application/feed+json" title="Meridian Post" href="${BASE}/meridian-post/feed.json">
</head>
<body>
<div class="mp-gdpr" hidden>This site uses cookies. <a href="${BASE}/meridian-post/privacy">Learn more</a> <button>OK</button></div>
<header class="mp-top">
  <a href="${BASE}/meridian-post/" class="mp-wordmark">${escapeHtml(outlet.name)}</a>
  <nav><ul class="mp-menu"><li><a href="${BASE}/meridian-post/news">News</a></li><li><a href="${BASE}/meridian-post/explainers">Explainers</a></li><li><a href="${BASE}/meridian-post/money">Money</a></li><li><a href="${BASE}/meridian-post/features">Features</a></li><li><a href="${BASE}/meridian-post/sport">Sport</a></li><li><a href="${BASE}/meridian-post/donate">Support us</a></li></ul></nav>
</header>
<main class="mp-main">
  <article>
    <div class="mp-section">${escapeHtml(article.section)}</div>
    <h1>${escapeHtml(article.headline)}</h1>
    <p class="mp-byline">Words by <span class="mp-author">${escapeHtml(article.author)}</span> — <time datetime="${article.published}">${displayDate(article.published)}</time></p>
    <div class="mp-share"><a href="https://www.facebook.com/sharer/sharer.php?u=${BASE}${articlePath(article)}">Share on Facebook</a> <a href="https://wa.me/?text=${BASE}${articlePath(article)}">WhatsApp</a> <a href="#" class="mp-copy">Copy link</a></div>
    <figure><img src="${BASE}${article.image}" alt=""><figcaption>${escapeHtml(article.imageCaption)}</figcaption></figure>
    <section class="mp-content">
        ${bodyWithInserts(
          article,
          '<div class="mp-ad" aria-hidden="true"><small>Advertisement</small></div>',
          `<p><b>Also read:</b> <a href="${BASE}${articlePath(also)}">${escapeHtml(also.headline)}</a></p>`,
        )}${credit}
    </section>
    <div class="mp-support"><p>Meridian Post is free to read because readers like you support it. <a href="${BASE}/meridian-post/donate">Become a supporter</a>.</p></div>
    <div class="mp-newsletter"><h2>Get The Meridian Minute</h2><p>One story, explained properly, every evening.</p><input type="email" placeholder="you@example.com"><button>Sign me up</button></div>
    ${commentsHtml(article, 'Conversation')}
  </article>
  <aside class="mp-related">
    <h2>Related</h2>
    <ul>
          ${linkList(outlet, article)}
    </ul>
  </aside>
</main>
<footer class="mp-footer"><p>© 2026 Meridian Post Foundation · <a href="${BASE}/meridian-post/about">About</a> · <a href="${BASE}/meridian-post/ethics">Ethics policy</a> · <a href="${BASE}/meridian-post/feed.json">JSON Feed</a></p></footer>
</body>
</html>
`;
}

function continentalCourierPage(outlet: DemoOutlet, article: DemoArticle): string {
  const also = alsoRead(article);
  return `<!DOCTYPE html>
<html lang="${outlet.lang}">
<head>
<meta charset="ISO-8859-1">
${headMeta(outlet, article)}
<link rel="stylesheet" type="text/css" href="${BASE}/continental-courier/css/courier.css">
</head>
<body id="courier">
<div id="cookiebar">This website uses cookies to improve your experience. <a href="${BASE}/continental-courier/cookies.html">More information</a> | <a href="#" id="cookie-ok">Close</a></div>
<div id="header">
  <div id="logo"><a href="${BASE}/continental-courier/"><img src="${BASE}/img/continental-courier/logo.gif" alt="${escapeHtml(outlet.name)}"></a></div>
  <div id="date-line">Sunday, 29 November 2026 | Ostrau-am-See · Bellerive · Kranzhafen · Saint-Aurèle</div>
  <ul id="menu"><li><a href="${BASE}/continental-courier/">Front page</a></li><li><a href="${BASE}/continental-courier/business/">Business</a></li><li><a href="${BASE}/continental-courier/economy/">Economy</a></li><li><a href="${BASE}/continental-courier/regions/">Regions</a></li><li><a href="${BASE}/continental-courier/sport/">Sport</a></li><li><a href="${BASE}/continental-courier/classifieds/">Classifieds</a></li><li><a href="${BASE}/continental-courier/weather/">Weather</a></li></ul>
</div>
<div id="wrapper">
<div id="content">
  <div class="rubrique">${escapeHtml(article.section)}</div>
  <h1 class="titre">${escapeHtml(article.headline)}</h1>
  <div class="chapeau">${escapeHtml(article.description)}</div>
  <div class="signature">By ${escapeHtml(article.author)} | Published <time datetime="${article.published}">${displayDate(article.published)}</time></div>
  <div class="partage">Share: <a href="https://www.facebook.com/sharer/sharer.php?u=${BASE}${articlePath(article)}">Facebook</a> | <a href="https://twitter.com/intent/tweet?url=${BASE}${articlePath(article)}">Twitter</a> | <a href="javascript:window.print()">Print</a> | <a href="mailto:?subject=${encodeURIComponent(article.headline)}">Send to a friend</a></div>
  <table class="photo" cellpadding="0" cellspacing="0"><tr><td><img src="${BASE}${article.image}" alt="" width="620"></td></tr><tr><td class="legende">${escapeHtml(article.imageCaption)}</td></tr></table>
  <div class="texte">
        ${bodyWithInserts(
          article,
          '<div class="pub"><div class="pub-label">Advertisement</div><div class="pub-label">STORY CONTINUES BELOW THIS AD</div></div>',
          `<p class="lire-aussi">Also read: <a href="${BASE}${articlePath(also)}">${escapeHtml(also.headline)}</a></p>`,
        )}
  </div>
  <div class="abonnement"><b>Subscribe to the Courier</b><br>Three months for 19 crowns, with the Saturday magazine. <a href="${BASE}/continental-courier/subscribe.html">Subscribe now</a><br>Free daily newsletter: <input type="text" name="email" size="20"> <input type="submit" value="OK"></div>
  ${commentsHtml(article, 'Your reactions')}
</div>
<div id="colonne">
  <h3>Read also</h3>
  <ul>
          ${linkList(outlet, article)}
  </ul>
  <div class="pub"><div class="pub-label">Advertisement</div></div>
</div>
</div>
<div id="footer">© 2026 Éditions du Courrier Continental S.A. — All rights reserved. | <a href="${BASE}/continental-courier/imprint.html">Imprint</a> | <a href="${BASE}/continental-courier/privacy.html">Data protection</a></div>
</body>
</html>
`;
}

const PAGE_RENDERERS: Record<DemoOutlet['id'], (outlet: DemoOutlet, article: DemoArticle) => string> = {
  'harbor-times': harborTimesPage,
  'northern-ledger': northernLedgerPage,
  'meridian-post': meridianPostPage,
  'continental-courier': continentalCourierPage,
};

function rssFeed(outlet: DemoOutlet): string {
  const items = articlesOf(outlet).map((a) => ({ article: a, link: BASE + articlePath(a), title: a.headline }));
  // A tracking-tagged link shows URL canonicalisation; the re-listed item (as CMSs do after an update) shows
  // that an article listed twice is queued once.
  const tagged = items.find((i) => i.article.story === 'battery-plant');
  if (tagged) tagged.link += '?utm_source=rss&utm_medium=feed';
  const relisted = items.find((i) => i.article.modified);
  if (relisted) items.push({ ...relisted, title: `UPDATED: ${relisted.title}` });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>${escapeHtml(outlet.name)}</title>
    <link>${BASE}/harbor-times/</link>
    <description>${escapeHtml(outlet.tagline)}</description>
    <language>${outlet.lang}</language>
    <atom:link href="${BASE}${feedPath(outlet)}" rel="self" type="application/rss+xml"/>
    <lastBuildDate>${new Date('2026-11-28T06:00:00Z').toUTCString()}</lastBuildDate>
    <ttl>5</ttl>
${items.map(({ article, link, title }) => `    <item>
      <title>${escapeHtml(title)}</title>
      <link>${escapeHtml(link)}</link>
      <guid isPermaLink="false">harbor-times-${article.slug}</guid>
      <pubDate>${new Date(article.published).toUTCString()}</pubDate>
      <dc:creator>${escapeHtml(article.author)}</dc:creator>
      <category>${escapeHtml(article.section)}</category>
      <description><![CDATA[<p>${escapeHtml(article.description)}</p>]]></description>
      <media:content url="${BASE}${article.image}" medium="image" type="image/jpeg"/>
    </item>`).join('\n')}
  </channel>
</rss>
`;
}

function atomFeed(outlet: DemoOutlet): string {
  const articles = articlesOf(outlet);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${outlet.lang}">
  <title>${escapeHtml(outlet.name)}</title>
  <subtitle>${escapeHtml(outlet.tagline)}</subtitle>
  <id>tag:northern-ledger.example,2026:feed</id>
  <link rel="alternate" type="text/html" href="${BASE}/northern-ledger/"/>
  <link rel="self" type="application/atom+xml" href="${BASE}${feedPath(outlet)}"/>
  <updated>${new Date(Math.max(...articles.map((a) => Date.parse(a.modified ?? a.published)))).toISOString()}</updated>
${articles.map((a) => `  <entry>
    <id>tag:northern-ledger.example,2026:${a.slug}</id>
    <title type="html">${escapeHtml(escapeHtml(a.headline))}</title>
    <link rel="alternate" type="text/html" href="${BASE}${articlePath(a)}"/>
    <link rel="enclosure" type="image/jpeg" href="${BASE}${a.image}"/>
    <published>${a.published}</published>
    <updated>${a.modified ?? a.published}</updated>
    <author><name>${escapeHtml(a.author)}</name></author>
    <category term="${escapeHtml(a.section)}"/>
    <summary type="html">${escapeHtml(`<p>${escapeHtml(a.description)}</p>`)}</summary>
  </entry>`).join('\n')}
</feed>
`;
}

function jsonFeed(outlet: DemoOutlet): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: outlet.name,
    description: outlet.tagline,
    home_page_url: `${BASE}/meridian-post/`,
    feed_url: BASE + feedPath(outlet),
    language: outlet.lang,
    icon: `${BASE}/img/meridian-post/icon-512.png`,
    items: articlesOf(outlet).map((a) => ({
      id: `meridian-post/${a.slug}`,
      url: BASE + articlePath(a),
      title: a.headline,
      summary: a.description,
      content_text: a.paragraphs[0],
      image: BASE + a.image,
      date_published: a.published,
      authors: [{ name: a.author }],
      tags: [a.section],
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function newsSitemap(outlet: DemoOutlet): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
${articlesOf(outlet).map((a) => `  <url>
    <loc>${BASE}${articlePath(a)}</loc>
    <news:news>
      <news:publication>
        <news:name>${escapeHtml(outlet.name)}</news:name>
        <news:language>${outlet.lang}</news:language>
      </news:publication>
      <news:publication_date>${a.published}</news:publication_date>
      <news:title>${escapeHtml(a.headline)}</news:title>
    </news:news>
    <image:image><image:loc>${BASE}${a.image}</image:loc></image:image>
  </url>`).join('\n')}
</urlset>
`;
}

const FEED_RENDERERS: Record<DemoOutlet['feed']['kind'], (outlet: DemoOutlet) => string> = {
  rss: rssFeed,
  atom: atomFeed,
  json: jsonFeed,
  'news-sitemap': newsSitemap,
};

/**
 * ISO-8859-1 bytes of an HTML page; characters outside Latin-1 (dashes, arrows) become numeric references,
 * as legacy CMSs write them.
 */
function encodeLatin1(html: string): Buffer {
  return Buffer.from(
    html.replace(/[\u{100}-\u{10ffff}]/gu, (ch) => `&#${ch.codePointAt(0)};`),
    'latin1',
  );
}

/** Every file of demo/site, keyed by its path relative to demo/site (`harbor-times/rss.xml`). */
export function renderSite(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const outlet of OUTLETS) {
    files.set(feedPath(outlet).slice(1), Buffer.from(FEED_RENDERERS[outlet.feed.kind](outlet), 'utf8'));
    for (const article of articlesOf(outlet)) {
      const html = PAGE_RENDERERS[outlet.id](outlet, article);
      files.set(articlePath(article).slice(1), outlet.charset === 'iso-8859-1' ? encodeLatin1(html) : Buffer.from(html, 'utf8'));
    }
  }
  return files;
}
