import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { environmentsApiRef } from '../api';
import { useRefreshingAsync } from './useRefreshingAsync';

/**
 * The current entity's environment matrix, loading state and error, and `refresh()` to load it
 * again. A refresh keeps the current matrix (`value`) until the new one arrives.
 */
export function useEnvironmentMatrix() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const ref = getCompoundEntityRef(entity);

  const state = useRefreshingAsync(stringifyEntityRef(ref), () =>
    environmentsApi.getEnvironmentMatrix(ref),
  );
  return { entity, ...state };
}
