import { describe, expect, it } from '@jest/globals';
import { MAX_TOPICS, topTopics } from '../../functions/api/present';
import { analyzeArticle, topicTerm, UNSTEMMED, type ArticleText } from '../../functions/related/analyze-article';

const ferry: ArticleText = {
  title: 'Lake Seeborn ferry sails again after 41 years',
  body:
    'The ferry between Ostrau-am-See and Kelling crossed Lake Seeborn on Saturday for the first time since 1985. ' +
    'Captain Héloïse Marchetti, whose grandfather ran the last crossing, steered the restored boat. ' +
    'Héloïse Marchetti said the ferries would run daily until October, and Ostrau-am-See expects visitors from ' +
    'across the region. The council paid for the repairs to the Ostrau-am-See pier.',
};

/** Every topic shown must lead back to its own term (the one it is the label of) through the topic route's lookup. */
function expectTopicsLeadToTerms(text: ArticleText) {
  const terms = analyzeArticle(text);
  const topics = topTopics(terms);
  for (const { topic, label } of topics) {
    const own = terms.filter((term) => (term.label ?? term.term) === label).map((term) => term.term);
    // As the route looks it up: stemmed as English, else (a text in another language) as written.
    expect([topicTerm(topic), topicTerm(topic, UNSTEMMED)].some((form) => own.includes(form))).toBe(true);
  }
  return topics;
}

describe('topTopics', () => {
  it('names each topic by a value the topic route finds the article under, even when a stem is not its own stem', () => {
    const topics = expectTopicsLeadToTerms(ferry);
    // `héloïs` and `ostrau-am-se` are the terms; stemmed again they would be `héloï` and `ostrau-am-s`.
    expect(topics).toEqual(
      expect.arrayContaining([
        { topic: 'héloïse', label: 'Héloïse' },
        { topic: 'ostrau-am-see', label: 'Ostrau-am-See' },
      ]),
    );
    expect(topics.length).toBeLessThanOrEqual(MAX_TOPICS);
  });

  it('falls back to the term when the label does not lead to it, and leaves out a term nothing leads to', () => {
    expect(
      topTopics([
        { term: 'elect', weight: 4, kind: 'keyword', label: 'elected' },
        // A label that is not the term's word (a stale or hand-made record): the term is its own stem.
        { term: 'harbour', weight: 3, kind: 'keyword', label: 'Port' },
        // A word of another language, kept unstemmed: the route finds it as written when its English stem has nothing.
        { term: 'élections', weight: 2, kind: 'keyword', label: 'élections' },
        // No form leads to a term the analyzer would never write (it lowercases).
        { term: 'Upper', weight: 1, kind: 'keyword', label: 'Upper' },
      ]),
    ).toEqual([
      { topic: 'elected', label: 'elected' },
      { topic: 'harbour', label: 'Port' },
      { topic: 'élections', label: 'élections' },
    ]);
  });

  it('keeps at most MAX_TOPICS, the heaviest first, each term once', () => {
    const terms = Array.from({ length: 15 }, (_, i) => ({ term: `term${i}`, weight: i, kind: 'keyword' as const }));
    const topics = topTopics([...terms, { term: 'term14', weight: 0, kind: 'keyword' }]);
    expect(topics.map((topic) => topic.topic)).toEqual(Array.from({ length: MAX_TOPICS }, (_, i) => `term${14 - i}`));
  });
});
