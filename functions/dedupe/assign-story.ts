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
