import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';

/** How often to reload when the app has no signals, in milliseconds. */
export const FALLBACK_POLL_MS = 30_000;

/** The least time between two reloads that signals set off, in milliseconds. */
export const MIN_RELOAD_GAP_MS = 1_000;

/** The signals channel the backend announces an entity's changes on. */
export function entityChangesChannel(entityRef: string): string {
  return `environments:${entityRef}`;
}

/**
 * Calls `onChange` when the backend signals that one of the entities' environments or
 * promotions changed (channel `environments:<entityRef>`), at most once per `minGapMs`: a burst
 * of signals makes one call at once and one at the end of the gap. The signal carries nothing:
 * `onChange` refetches with the user's own credentials.
 *
 * Without the signals API in the app, it calls `onChange` every `fallbackPollMs` instead (none
 * with `null`). Returns whether signals are in use.
 */
export function useEntityChanges(
  entityRefs: string | readonly string[],
  onChange: () => void,
  options: { fallbackPollMs?: number | null; minGapMs?: number } = {},
): { live: boolean } {
  const signals = useApiHolder().get(signalApiRef);
  const { fallbackPollMs = FALLBACK_POLL_MS, minGapMs = MIN_RELOAD_GAP_MS } =
    options;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  // One key for the same entities, however the array was built.
  const key = [
    ...new Set(typeof entityRefs === 'string' ? [entityRefs] : entityRefs),
  ]
    .sort()
    .join('\n');

  useEffect(() => {
    if (!key) {
      return undefined;
    }
    if (!signals) {
      if (fallbackPollMs === null) {
        return undefined;
      }
      const timer = setInterval(() => onChangeRef.current(), fallbackPollMs);
      return () => clearInterval(timer);
    }
    let lastCall = -Infinity;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const call = () => {
      lastCall = Date.now();
      onChangeRef.current();
    };
    const onSignal = () => {
      const wait = lastCall + minGapMs - Date.now();
      if (wait <= 0) {
        call();
      } else if (!trailing) {
        trailing = setTimeout(() => {
          trailing = undefined;
          call();
        }, wait);
      }
    };
    const subscriptions = key
      .split('\n')
      .map(ref => signals.subscribe(entityChangesChannel(ref), onSignal));
    return () => {
      subscriptions.forEach(subscription => subscription.unsubscribe());
      clearTimeout(trailing);
    };
  }, [signals, key, fallbackPollMs, minGapMs]);

  return { live: Boolean(signals) };
}
