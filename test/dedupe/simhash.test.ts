import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { bandsOf, hammingDistance, NEAR_DUPLICATE_DISTANCE, simhash } from '../../functions/dedupe/simhash';
import { sharedDataPath } from '../support/shared-data';

const story = `The city council voted on Tuesday to close the old bridge over the river after engineers found cracks
in two of its supports. Traffic will be diverted through the northern ring road for at least six months, the mayor said,
while a new crossing is designed. Shop owners near the bridge said they feared losing customers during the works, and
asked the council for help with the costs. The bridge, built in 1932, carries about twelve thousand cars a day.`;

describe('simhash', () => {
  it('puts a lightly edited copy within the near-duplicate distance', () => {
    const copy = `UPDATED ${story.replace('six months', 'half a year')}`;
    expect(hammingDistance(simhash(story)!, simhash(copy)!)).toBeLessThanOrEqual(NEAR_DUPLICATE_DISTANCE);
    expect(simhash(story.toUpperCase())).toBe(simhash(story));
  });

  it('keeps different articles about the same story apart (BASIL: one story, three outlets)', () => {
    const rows = readFileSync(sharedDataPath('related-dev', 'stories_basil.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 30)
      .map((line) => JSON.parse(line) as { body: string });
    const hashes = rows.map((row) => simhash(row.body)).filter((hash): hash is string => hash !== null);
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThan(NEAR_DUPLICATE_DISTANCE);
      }
    }
  });

  it('gives no hash to a text too short to judge', () => {
    expect(simhash('Breaking news.')).toBeNull();
  });

  it('cuts the hash into six bands that two hashes within five bits share at least once', () => {
    const hash = simhash(story)!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const flipped = (BigInt(`0x${hash}`) ^ 0b1000000000010000000000100000000001000000000010000000000n).toString(16).padStart(16, '0');
    expect(hammingDistance(hash, flipped)).toBe(5);
    const shared = bandsOf(hash).filter((band, i) => bandsOf(flipped)[i] === band);
    expect(shared.length).toBeGreaterThanOrEqual(1);
  });
});
