import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { EnvironmentMatrix } from '../EnvironmentMatrix';

/**
 * The Environments tab of an entity page: what runs where.
 *
 * @public
 */
export function EntityEnvironmentsContent() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const entityRef = getCompoundEntityRef(entity);

  const { value, loading, error } = useAsync(
    () => environmentsApi.getEnvironmentMatrix(entityRef),
    [environmentsApi, entityRef.kind, entityRef.namespace, entityRef.name],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }

  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Environments
        </Text>
      </CardHeader>
      <CardBody>
        <EnvironmentMatrix
          matrix={value}
          entityName={entity.metadata.title ?? entity.metadata.name}
        />
      </CardBody>
    </Card>
  );
}
