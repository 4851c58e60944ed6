import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { environmentsApiRef } from '../api';
import { useEntityChanges } from './useEntityChanges';
import { useRefreshingAsync } from './useRefreshingAsync';

/**
 * The current entity's environment matrix, loading state and error, and `refresh()` to load it
 * again. A refresh keeps the current matrix (`value`) until the new one arrives. It reloads when
 * the backend signals a change (or every 30 s in an app without signals).
 */
export function useEnvironmentMatrix() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const ref = getCompoundEntityRef(entity);

  const entityRef = stringifyEntityRef(ref);
  const state = useRefreshingAsync(entityRef, () =>
    environmentsApi.getEnvironmentMatrix(ref),
  );
  useEntityChanges(entityRef, state.refresh);
  return { entity, ...state };
}
