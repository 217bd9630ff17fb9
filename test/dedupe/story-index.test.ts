import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoStoryIndex } from '../../functions/dedupe/story-index';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

const wire = `WASHINGTON (AP) — The Senate passed a bill on Thursday that would fund the government through March, averting a
shutdown hours before the deadline. The measure now goes to the House, where leaders said they expected a vote on Friday.
Democrats and Republicans had argued for weeks over disaster aid and border spending, and several senators said the
compromise left both sides unhappy. The White House said the president would sign the bill once it reached his desk.`;
const other = `The city of Lyon opened its new tram line on Saturday, linking the airport with the main railway station in
under thirty minutes. Officials expect forty thousand passengers a day by next year, and said ticket prices would stay
the same as on the rest of the network. Residents along the route had complained about two years of roadworks.`;

describe('DynamoStoryIndex', () => {
  let dynamo: LocalDynamo;
  let stories: DynamoStoryIndex;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    stories = new DynamoStoryIndex({ client: dynamo.client, tableName: dynamo.tableName });
  }, 60_000);
  afterAll(async () => dynamo?.stop());

  it('gives a wire copy the story of the text it copies, and a different text its own', async () => {
    expect(await stories.assignStory('original', wire)).toBe('original');
    // One edit in a 90-word text moves 4 bits; an edit plus an added credit line moves 9 (too far, see docs/related.md).
    const copy = wire.replace('on Friday', 'as soon as Friday');
    expect(await stories.assignStory('copy', copy)).toBe('original');
    expect(await stories.assignStory('lyon', other)).toBe('lyon');
  });

  it('is idempotent: the same article asked again keeps its story', async () => {
    expect(await stories.assignStory('copy', wire)).toBe('original');
    expect(await stories.assignStory('lyon', other)).toBe('lyon');
  });

  it('gives a text too short to judge its own story', async () => {
    expect(await stories.assignStory('short-1', 'Breaking: markets close.')).toBe('short-1');
    expect(await stories.assignStory('short-2', 'Breaking: markets close.')).toBe('short-2');
  });
});
