import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../api';

/** The current entity's environment matrix, loading state and error. */
export function useEnvironmentMatrix() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);

  const state = useAsync(
    () => environmentsApi.getEnvironmentMatrix({ kind, namespace, name }),
    [environmentsApi, kind, namespace, name],
  );
  return { entity, ...state };
}
