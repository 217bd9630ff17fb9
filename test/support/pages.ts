/**
 * An article page as an outlet serves it, for handler tests that fetch pages from a loopback server: a title, a
 * canonical address, a byline, eight paragraphs on `topic`, and the navigation and footer extraction must drop.
 */
const paragraphs = (topic: string) =>
  Array.from(
    { length: 8 },
    (_, n) =>
      `<p>Paragraph ${n} about ${topic}: the harbour authority of Kestrel Bay said on Tuesday that talks with the dockworkers' union would resume, and that ships were waiting offshore while the strike entered its ${n + 2}th day.</p>`,
  ).join('\n');

export const articlePage = (title: string, canonical: string, topic: string) => `<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>${title} | The Harbor Times</title><link rel="canonical" href="${canonical}">
<meta property="article:published_time" content="2026-11-20T08:00:00Z"></head><body>
<nav><a href="/">Home</a></nav><article><h1>${title}</h1><p class="byline">By Ana Reyes</p>${paragraphs(topic)}</article>
<footer>Copyright</footer></body></html>`;
