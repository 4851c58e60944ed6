import { durationLabel, relativeTime } from './relativeTime';

describe('relativeTime', () => {
  const now = new Date('2026-11-22T20:00:00Z');

  it('says how long ago, in the largest whole unit', () => {
    expect(relativeTime('2026-11-22T19:59:30Z', now)).toBe('just now');
    expect(relativeTime('2026-11-22T19:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('2026-11-22T18:00:00Z', now)).toBe('2 hours ago');
    expect(relativeTime('2026-11-21T20:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('not a time', now)).toBe('not a time');
  });
});

describe('durationLabel', () => {
  it('uses seconds, minutes, then hours and minutes', () => {
    expect(durationLabel(42)).toBe('42 s');
    expect(durationLabel(180)).toBe('3 min');
    expect(durationLabel(3900)).toBe('1 h 5 min');
    expect(durationLabel(7200)).toBe('2 h');
  });
});
