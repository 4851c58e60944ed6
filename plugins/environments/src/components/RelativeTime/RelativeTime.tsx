import { relativeTime } from './relativeTime';

/** A time shown relative to now, with the exact ISO time on hover and for machines. */
export function RelativeTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {relativeTime(iso)}
    </time>
  );
}
