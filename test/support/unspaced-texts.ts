/**
 * Short news reports in languages written without spaces between words, written for the tests: two reports of one
 * event by two outlets and one of another event, in Japanese and in Chinese. Their reports of one event share words
 * (`金利`, `利上げ`, `存款`, `准备`) but hardly a whole clause, which is all they shared while such a text was read in
 * runs from punctuation to punctuation.
 */
export const UNSPACED_REPORTS = {
  ja1: {
    title: '日銀、政策金利を0.5%に引き上げ',
    body: '日本銀行は24日、金融政策決定会合で短期金利の誘導目標を0.25%から0.5%に引き上げることを決めた。利上げは昨年3月のマイナス金利解除以来となる。植田和男総裁は記者会見で、賃金と物価の好循環が強まっていると説明した。市場では円相場が上昇し、日経平均株価は下落した。',
  },
  ja2: {
    title: '日本銀行が追加利上げ　植田総裁「物価目標の実現近づく」',
    body: '日本銀行は金融政策決定会合を開き、政策金利を0.5%程度に引き上げた。植田総裁は会見で、春闘での賃上げが物価を押し上げていると述べた。追加利上げを受けて円相場は対ドルで上昇し、住宅ローン金利の上昇も見込まれる。',
  },
  ja3: {
    title: '台風10号、九州に上陸　交通機関に大きな影響',
    body: '大型で強い台風10号は29日朝、鹿児島県に上陸した。気象庁は大雨特別警報を発表し、住民に避難を呼びかけている。九州新幹線は終日運転を見合わせ、空の便も多くが欠航となった。停電は約25万戸に及んでいる。',
  },
  zh1: {
    title: '中国人民银行宣布降低存款准备金率',
    body: '中国人民银行周五宣布，将于下周一下调金融机构存款准备金率0.5个百分点，预计释放长期资金约1万亿元。央行表示，此举旨在保持流动性合理充裕，支持实体经济发展。分析人士认为，降准有助于降低银行资金成本。',
  },
  zh2: {
    title: '央行降准0.5个百分点　释放资金1万亿元',
    body: '中国人民银行决定下调存款准备金率0.5个百分点，这是今年以来的第二次降准。央行有关负责人表示，降准将释放长期资金约1万亿元，有助于降低实体经济融资成本。市场人士预计，银行贷款利率可能进一步下降。',
  },
  zh3: {
    title: '北京举行国际马拉松比赛',
    body: '第四十届北京马拉松周日在天安门广场鸣枪开跑，来自全球的三万名选手参加了比赛。肯尼亚选手以两小时七分的成绩夺得男子组冠军。赛事组织者表示，今年的参赛人数创下历史新高。',
  },
} as const;
