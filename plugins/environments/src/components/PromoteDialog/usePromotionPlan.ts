import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Promotion,
  PromotionPlan,
  Version,
} from '@stagecraft/plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { newIdempotencyKey } from './idempotencyKey';

/** What to promote: `from` === `to` rolls `to` back to `version`. */
export type PromotionTarget = { from: string; to: string; version?: Version };

/**
 * The dry run of a promotion, and `submit()` to carry out exactly that plan. The idempotency
 * key belongs to the plan: every submit of the same plan (a double click, a retry after a
 * network error) sends the same key, so the backend starts at most one promotion.
 */
export function usePromotionPlan(entityRef: string, target: PromotionTarget) {
  const environmentsApi = useApi(environmentsApiRef);
  const [generation, setGeneration] = useState(0);
  const [plan, setPlan] = useState<PromotionPlan>();
  const [planError, setPlanError] = useState<Error>();
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Error>();
  const key = useRef<{ planId: string; value: string }>();
  const inFlight = useRef(false);
  const { from, to, version } = target;
  const versionKey = JSON.stringify(version ?? null);

  useEffect(() => {
    let cancelled = false;
    setPlan(undefined);
    setPlanError(undefined);
    setSubmitError(undefined);
    environmentsApi
      .planPromotion(parseEntityRef(entityRef), {
        from,
        to,
        ...(version && { version }),
      })
      .then(
        value => !cancelled && setPlan(value),
        error => !cancelled && setPlanError(error),
      );
    return () => {
      cancelled = true;
    };
    // `versionKey` stands for `version`, compared by value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [environmentsApi, entityRef, from, to, versionKey, generation]);

  const replan = useCallback(() => setGeneration(g => g + 1), []);

  const submit = useCallback(
    async (note: string): Promise<Promotion | undefined> => {
      if (!plan || inFlight.current) {
        return undefined;
      }
      if (key.current?.planId !== plan.planId) {
        key.current = { planId: plan.planId, value: newIdempotencyKey() };
      }
      inFlight.current = true;
      setSubmitting(true);
      setSubmitError(undefined);
      try {
        return await environmentsApi.createPromotion(
          parseEntityRef(entityRef),
          {
            from,
            to,
            ...(version && { version }),
            ...(note.trim() && { note: note.trim() }),
            planId: plan.planId,
          },
          { idempotencyKey: key.current.value },
        );
      } catch (error) {
        setSubmitError(error as Error);
        return undefined;
      } finally {
        inFlight.current = false;
        setSubmitting(false);
      }
    },
    [environmentsApi, entityRef, from, to, version, plan],
  );

  return { plan, planError, replan, submit, submitting, submitError };
}
