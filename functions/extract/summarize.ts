/**
 * A short summary for listings: the publisher's description when it reads as a sentence, else the first one or
 * two sentences of the body, cut at a sentence or, failing that, a word boundary.
 */

export const MAX_SUMMARY_CHARS = 300;

export function summarize(description: string | null, body: string): string {
  if (description && isRealSentence(description)) return cutAtSentence(description, MAX_SUMMARY_CHARS);
  const firstParagraphs = body.split(/\n\s*\n/).slice(0, 3).join(' ').replace(/\s+/g, ' ').trim();
  const sentences = splitSentences(firstParagraphs);
  let summary = '';
  for (const sentence of sentences.slice(0, 2)) {
    const next = summary ? `${summary} ${sentence}` : sentence;
    if (next.length > MAX_SUMMARY_CHARS) break;
    summary = next;
  }
  return summary || cutAtSentence(firstParagraphs, MAX_SUMMARY_CHARS);
}

/** At least six words, mostly letters, ending like a sentence, not a keyword list or "Read the latest news". */
function isRealSentence(text: string): boolean {
  const trimmed = text.trim();
  const words = trimmed.split(/\s+/);
  if (words.length < 6) return false;
  if (!/[.!?…"'”’)]$/.test(trimmed) && words.length < 12) return false;
  const commas = (trimmed.match(/,/g) ?? []).length;
  return commas < words.length / 3;
}

function splitSentences(text: string): string[] {
  // A period ends a sentence when followed by a space and a capital or a quote; abbreviations like "U.S." or
  // "Mr." followed by a capital are rare enough at the start of an article not to matter much.
  return text.split(/(?<=[.!?…]["'”’)]?)\s+(?=["'“‘(]?[\p{Lu}\p{N}])/u).map((sentence) => sentence.trim()).filter(Boolean);
}

function cutAtSentence(text: string, max: number): string {
  const squashed = text.replace(/\s+/g, ' ').trim();
  if (squashed.length <= max) return squashed;
  const cut = squashed.slice(0, max - 1);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (sentenceEnd > max / 2) return cut.slice(0, sentenceEnd + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–—-]+$/, '')}…`;
}
