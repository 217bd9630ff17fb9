/**
 * A headline without the site's name: "Budget 2024 - The Hindu" -> "Budget 2024", "BBC News | Floods" -> "Floods".
 * A segment is dropped only when it names the site (its declared name or its domain), so a headline that merely
 * contains a dash ("Man City - Liverpool: five talking points") is left whole.
 */

const SEPARATOR = /\s+[|\-–—:·•»«/\\]\s+|\s*[|·•»«]\s*/;

export function cleanTitle(title: string, siteName: string | null, pageUrl: string | undefined): string {
  const squashed = title.replace(/\s+/g, ' ').trim();
  const site = [siteName, hostLabel(pageUrl)].map(compact).filter((name): name is string => Boolean(name && name.length >= 2));
  if (!site.length) return squashed;
  const parts = squashed.split(SEPARATOR).map((part) => part.trim()).filter(Boolean);
  if (parts.length < 2) return squashed;

  const namesSite = (part: string): boolean => {
    const candidate = compact(part);
    return Boolean(candidate) && site.some((name) => candidate === name || (candidate.length >= 3 && (name.startsWith(candidate) || candidate.startsWith(name)) && Math.abs(candidate.length - name.length) <= 8));
  };
  let start = 0;
  let end = parts.length;
  while (end - start > 1 && namesSite(parts[end - 1] ?? '')) end -= 1;
  while (end - start > 1 && namesSite(parts[start] ?? '')) start += 1;
  if (start === 0 && end === parts.length) return squashed;
  // Re-cut the original string so separators inside the kept headline survive as written.
  const kept = parts.slice(start, end);
  const from = squashed.indexOf(kept[0] ?? '');
  const last = kept[kept.length - 1] ?? '';
  const to = squashed.lastIndexOf(last) + last.length;
  return from >= 0 && to > from ? squashed.slice(from, to).trim() : kept.join(' ');
}

function compact(text: string | null | undefined): string {
  return (text ?? '').toLowerCase().normalize('NFKD').replace(/^the\s+/, '').replace(/[^\p{L}\p{N}]+/gu, '');
}

/** `https://www.thehindu.com/...` -> `thehindu`; `https://www.bbc.co.uk/...` -> `bbc`. */
function hostLabel(pageUrl: string | undefined): string | null {
  if (!pageUrl) return null;
  try {
    const labels = new URL(pageUrl).hostname.split('.').filter((label) => !['www', 'm', 'amp', 'edition', 'news'].includes(label));
    // Drop the public suffix (one or two short labels: `com`, `co.uk`, `com.au`).
    while (labels.length > 1 && (labels[labels.length - 1]?.length ?? 0) <= 3) labels.pop();
    return labels[labels.length - 1] ?? null;
  } catch {
    return null;
  }
}
