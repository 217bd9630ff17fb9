/**
 * The story of an article: that of a candidate whose text it copies (or that copies it), else its own id. Pure: the
 * candidates are the ones the related index read for the article anyway (a copy shares every term of the text, so
 * it is always among them), so recognising copies costs no request and no item of its own.
 */
import { resemblance, COPY_RESEMBLANCE, type TextSketch } from './text-sketch';

export interface StoryCandidate {
  readonly id: string;
  readonly storyId: string;
  readonly publishedAt: string;
  readonly sketch: TextSketch | null;
}

/**
 * The candidates, each group of copies among them under one story. A candidate's story is what its entry said when
 * it was read, and copies indexed at the same moment read each other before either has its story: both then still
 * name their own id. Copies among the candidates (assignStory's resemblance, compared only where the two texts'
 * shingle counts allow a Jaccard index of COPY_RESEMBLANCE) are therefore grouped, and
 * every member takes the group's story: that of the oldest member that had joined one (a story that is not the
 * member's own id was assigned, not defaulted), else the oldest member's id. The lists written from these candidates then
 * name one story per text, whatever their entries said; O(n^2) resemblances over the ~90 candidates an article reads.
 */
export function unifyCopies<T extends StoryCandidate>(candidates: readonly T[]): T[] {
  const group = candidates.map((_candidate, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  candidates.forEach((a, i) => {
    if (!a.sketch) return;
    for (let j = i + 1; j < candidates.length; j += 1) {
      const b = candidates[j]!;
      if (b.sketch && mayBeCopies(a.sketch, b.sketch) && root(i) !== root(j) && resemblance(a.sketch, b.sketch) >= COPY_RESEMBLANCE) {
        group[root(j)] = root(i);
      }
    }
  });
  const members = new Map<number, T[]>();
  candidates.forEach((candidate, i) => {
    const list = members.get(root(i));
    if (list) list.push(candidate);
    else members.set(root(i), [candidate]);
  });
  const storyOf = new Map<number, string>();
  for (const [key, list] of members) {
    if (list.length === 1) continue;
    const oldestFirst = [...list].sort((a, b) => compareText(a.publishedAt, b.publishedAt) || compareText(a.id, b.id));
    storyOf.set(key, (oldestFirst.find((member) => member.storyId !== member.id) ?? oldestFirst[0]!).storyId);
  }
  return candidates.map((candidate, i) => {
    const storyId = storyOf.get(root(i));
    return storyId === undefined || storyId === candidate.storyId ? candidate : { ...candidate, storyId };
  });
}

/** Code-point order, the same everywhere (localeCompare's depends on the locale). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Two shingle sets whose Jaccard index reaches COPY_RESEMBLANCE differ in size by at most that ratio. */
const mayBeCopies = (a: TextSketch, b: TextSketch) => Math.min(a.shingles, b.shingles) >= COPY_RESEMBLANCE * Math.max(a.shingles, b.shingles);

export function assignStory(article: { readonly id: string; readonly sketch: TextSketch | null }, candidates: readonly StoryCandidate[]): string {
  if (!article.sketch) return article.id;
  let best: { storyId: string; resemblance: number; publishedAt: string } | null = null;
  for (const candidate of candidates) {
    if (candidate.id === article.id || !candidate.sketch) continue;
    const shared = resemblance(article.sketch, candidate.sketch);
    if (shared < COPY_RESEMBLANCE) continue;
    // The closest copy; among equals the oldest, so that every copy of a text joins the same story.
    if (
      !best ||
      shared > best.resemblance ||
      (shared === best.resemblance && (candidate.publishedAt < best.publishedAt || (candidate.publishedAt === best.publishedAt && candidate.storyId < best.storyId)))
    ) {
      best = { storyId: candidate.storyId, resemblance: shared, publishedAt: candidate.publishedAt };
    }
  }
  return best?.storyId ?? article.id;
}
