import { formatUnifiedDiff } from './unifiedDiff';

describe('formatUnifiedDiff', () => {
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) => `line${i + 1}`);

  it('renders separate hunks with context and correct ranges', () => {
    const before = `${lines(20).join('\n')}\n`;
    const after = before.replace('line3\n', 'LINE3\n').replace('line18\n', '');
    expect(formatUnifiedDiff([{ file: 'a.yaml', before, after }])).toBe(
      [
        '--- a/a.yaml',
        '+++ b/a.yaml',
        '@@ -1,6 +1,6 @@',
        ' line1',
        ' line2',
        '-line3',
        '+LINE3',
        ' line4',
        ' line5',
        ' line6',
        '@@ -15,6 +15,5 @@',
        ' line15',
        ' line16',
        ' line17',
        '-line18',
        ' line19',
        ' line20',
        '',
      ].join('\n'),
    );
  });

  it('joins close changes into one hunk and honours the context option', () => {
    const before = 'a\nb\nc\nd\n';
    const after = 'A\nb\nc\nD\nE\n';
    expect(
      formatUnifiedDiff([{ file: 'x', before, after }], { context: 0 }),
    ).toBe(
      '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+A\n@@ -4 +4,2 @@\n-d\n+D\n+E\n',
    );
    expect(formatUnifiedDiff([{ file: 'x', before, after }])).toContain(
      '@@ -1,4 +1,5 @@',
    );
  });

  it('skips unchanged files and redacts secret-looking values', () => {
    expect(formatUnifiedDiff([{ file: 'x', before: 'a', after: 'a' }])).toBe(
      '',
    );
    const before = 'password: fixture-not-a-secret\ntag: "1"\n';
    const after = 'password: fixture-not-a-secret\ntag: "2"\n';
    const diff = formatUnifiedDiff([{ file: 'v.yaml', before, after }]);
    expect(diff).not.toContain('fixture-not-a-secret');
    expect(diff).toContain(' password: [redacted]');
  });

  it('adds a file from nothing', () => {
    expect(formatUnifiedDiff([{ file: 'n', before: '', after: 'x\n' }])).toBe(
      '--- a/n\n+++ b/n\n@@ -0,0 +1 @@\n+x\n',
    );
  });
});
