/**
 * An article's comments, newest first; null for an unknown article. The article is looked up only when the page
 * is empty: a page with comments proves it exists.
 */
import type { Comment } from '../contracts/model';
import type { ArticleStore, CommentQuery, CommentStore, Page } from '../ports';

export async function listComments(
  articleId: string,
  query: CommentQuery,
  deps: { readonly articles: ArticleStore; readonly comments: CommentStore },
): Promise<Page<Comment> | null> {
  const page = await deps.comments.listComments(articleId, query);
  if (page.items.length === 0 && !(await deps.articles.hasArticle(articleId))) return null;
  return page;
}
