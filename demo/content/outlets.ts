/** The four fictional outlets of the demo and what each one exercises in the pipeline. */
import type { OutletId, StoryId } from './articles';

export interface DemoOutlet {
  readonly id: OutletId;
  readonly name: string;
  readonly tagline: string;
  readonly lang: string;
  /** How the pages are saved and declared; ISO-8859-1 exercises charset detection from `<meta charset>`. */
  readonly charset: 'utf-8' | 'iso-8859-1';
  readonly feed: { readonly kind: 'rss' | 'atom' | 'json' | 'news-sitemap'; readonly file: string };
  /** Whether pages carry a JSON-LD NewsArticle block (some real sites do, many don't). */
  readonly jsonLd: boolean;
}

export const OUTLETS: readonly DemoOutlet[] = [
  {
    id: 'harbor-times',
    name: 'The Harbor Times',
    tagline: 'Velmouth and the nation since 1871',
    lang: 'en',
    charset: 'utf-8',
    feed: { kind: 'rss', file: 'rss.xml' },
    jsonLd: true,
  },
  {
    id: 'northern-ledger',
    name: 'The Northern Ledger',
    tagline: 'Business, politics and the regions',
    lang: 'en-GB',
    charset: 'utf-8',
    feed: { kind: 'atom', file: 'atom.xml' },
    jsonLd: true,
  },
  {
    id: 'meridian-post',
    name: 'Meridian Post',
    tagline: 'News that explains itself',
    lang: 'en',
    charset: 'utf-8',
    feed: { kind: 'json', file: 'feed.json' },
    jsonLd: false,
  },
  {
    id: 'continental-courier',
    name: 'The Continental Courier',
    tagline: 'The English-language daily of the lake cities',
    lang: 'en',
    charset: 'iso-8859-1',
    feed: { kind: 'news-sitemap', file: 'news-sitemap.xml' },
    jsonLd: false,
  },
];

/** Reader comments under each story: invented, and a trap for extractors that keep the comments with the body. */
export const COMMENTS: Readonly<Record<StoryId, readonly { readonly name: string; readonly text: string }[]>> = {
  'port-strike': [
    { name: 'quaysideSam', text: 'My dad drove cranes at Terminal 4 for 30 years. Nobody asked him either.' },
    { name: 'R. Hollis', text: 'Meanwhile my sofa has been on a ship outside Velmouth since October.' },
  ],
  'rate-decision': [
    { name: 'fixedrate_fan', text: 'A quarter point. Wake me up when it reaches my mortgage.' },
    { name: 'Annika P.', text: 'Two dissents is the real story here.' },
  ],
  wildfire: [
    { name: 'Wrenfield Mum', text: 'Thank you to every firefighter and every volunteer at Hollins. We are home.' },
    { name: 'D. Cartwright', text: 'Check that power line. This is the second time in five years.' },
  ],
  'cup-final': [
    { name: 'RoversTilIDie', text: '118 years. I have no words. Asante-Lind, name your price.' },
    { name: 'vilanova_1921', text: 'Never a second yellow. Robbed.' },
  ],
  'battery-plant': [{ name: 'ex-steelman', text: 'Believe it when I see the first brick.' }],
  'lake-ferry': [{ name: 'Marguerite B.', text: 'I crossed on her as a girl in 1979. What wonderful news.' }],
};
