import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { environmentsApiRef } from '../api';
import { useRefreshingAsync } from './useRefreshingAsync';

/** An entity's promotion history, optionally of one environment only. */
export function usePromotionHistory(entityRef: string, environment?: string) {
  const environmentsApi = useApi(environmentsApiRef);
  return useRefreshingAsync(`${entityRef}|${environment ?? ''}`, () =>
    environmentsApi.getPromotionHistory(
      parseEntityRef(entityRef),
      environment ? { environment } : undefined,
    ),
  );
}
