import { useApi } from '@backstage/frontend-plugin-api';
import {
  isOpenPromotionState,
  Promotion,
} from '@stagecraft/plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useEntityChanges } from '../../hooks/useEntityChanges';
import { newIdempotencyKey } from './idempotencyKey';

/** How often an open promotion is polled in an app without signals, in milliseconds. */
export const POLL_INTERVAL_MS = 2000;

type Action = 'cancel' | 'merge' | 'retry';

/**
 * Follows a promotion while it is open (stopping when it is final or on unmount): it reloads it
 * when the backend signals a change of its entity, or, in an app without signals, polls it. It
 * cancels, merges or retries it. `onFinal` is called once per promotion that reaches a final
 * state.
 */
export function usePromotionLifecycle(
  initial: Promotion,
  options: {
    pollIntervalMs?: number;
    onFinal?: (promotion: Promotion) => void;
  },
) {
  const environmentsApi = useApi(environmentsApiRef);
  const { pollIntervalMs = POLL_INTERVAL_MS, onFinal } = options;
  const [promotion, setPromotion] = useState(initial);
  const [pollError, setPollError] = useState<Error>();
  const [pollTick, setPollTick] = useState(0);
  const [signalTick, setSignalTick] = useState(0);
  const [pending, setPending] = useState<Action>();
  const [actionError, setActionError] = useState<Error>();
  const retryKeys = useRef(new Map<string, string>());
  const notified = useRef(new Set<string>());
  const onFinalRef = useRef(onFinal);
  onFinalRef.current = onFinal;

  const open = isOpenPromotionState(promotion.state);
  const { live } = useEntityChanges(
    open ? promotion.entityRef : [],
    () => setSignalTick(tick => tick + 1),
    { fallbackPollMs: null },
  );

  // Without signals: poll while it is open.
  useEffect(() => {
    if (!open || live) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      environmentsApi.getPromotion(promotion.id).then(
        next => {
          if (cancelled) return;
          setPollError(undefined);
          setPromotion(next);
        },
        error => {
          if (cancelled) return;
          setPollError(error);
          setPollTick(tick => tick + 1);
        },
      );
    }, pollIntervalMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [environmentsApi, promotion, open, live, pollTick, pollIntervalMs]);

  // With signals: one reload per signal of its entity.
  useEffect(() => {
    if (signalTick === 0) {
      return undefined;
    }
    let cancelled = false;
    environmentsApi.getPromotion(promotion.id).then(
      next => {
        if (cancelled) return;
        setPollError(undefined);
        setPromotion(next);
      },
      error => {
        if (!cancelled) setPollError(error);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [environmentsApi, promotion.id, signalTick]);

  useEffect(() => {
    if (
      !isOpenPromotionState(promotion.state) &&
      !notified.current.has(promotion.id)
    ) {
      notified.current.add(promotion.id);
      onFinalRef.current?.(promotion);
    }
  }, [promotion]);

  const run = useCallback(
    async (action: Action) => {
      setPending(action);
      setActionError(undefined);
      try {
        let next: Promotion;
        if (action === 'cancel') {
          next = await environmentsApi.cancelPromotion(promotion.id);
        } else if (action === 'merge') {
          next = await environmentsApi.mergePromotion(promotion.id);
        } else {
          let key = retryKeys.current.get(promotion.id);
          if (!key) {
            key = newIdempotencyKey();
            retryKeys.current.set(promotion.id, key);
          }
          next = await environmentsApi.retryPromotion(promotion.id, {
            idempotencyKey: key,
          });
        }
        setPromotion(next);
      } catch (error) {
        setActionError(error as Error);
      } finally {
        setPending(undefined);
      }
    },
    [environmentsApi, promotion.id],
  );

  return { promotion, pollError, pending, actionError, run };
}
