import {
  formatPromotionTrailers,
  parsePromotionTrailers,
} from './promotionTrailers';

const trailers = {
  promotionId: '11111111-2222-4333-8444-555555555555',
  entityRef: 'component:default/catalogue',
  from: 'dev',
  to: 'staging',
  requestedBy: 'user:default/jane',
};

describe('promotion trailers', () => {
  it('reads back what it writes, from the last paragraph', () => {
    const message = [
      'Promote catalogue to staging: 1.4.0',
      '',
      'Requested by user:default/jane from dev through Backstage.',
      '',
      ...formatPromotionTrailers(trailers),
      'Co-authored-by: Jane <jane@example.com>',
    ].join('\n');
    expect(parsePromotionTrailers(message)).toEqual(trailers);
  });

  it('ignores trailers quoted in the body, and incomplete or malformed ones', () => {
    const quoted = formatPromotionTrailers(trailers)
      .map(line => `> ${line}`)
      .join('\n');
    expect(
      parsePromotionTrailers(`Title\n\nNote:\n${quoted}\n\nSigned-off-by: x`),
    ).toBeUndefined();
    expect(
      parsePromotionTrailers(
        `Title\n\n${formatPromotionTrailers(trailers).slice(0, 4).join('\n')}`,
      ),
    ).toBeUndefined();
    expect(
      parsePromotionTrailers(
        `Title\n\n${formatPromotionTrailers({
          ...trailers,
          promotionId: 'nope',
        }).join('\n')}`,
      ),
    ).toBeUndefined();
  });
});
