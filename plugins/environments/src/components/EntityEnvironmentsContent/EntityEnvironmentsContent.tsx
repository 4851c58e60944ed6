import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { GitOpsSource } from '@stagecraft/plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

function describeSource(source: GitOpsSource): string {
  return source.type === 'url'
    ? source.url
    : `${source.path} in repository ${source.repository}`;
}

/**
 * The Environments tab of an entity page.
 *
 * @public
 */
export function EntityEnvironmentsContent() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const entityRef = getCompoundEntityRef(entity);

  const { value, loading, error } = useAsync(
    () => environmentsApi.getEntityEnvironments(entityRef),
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
        <Flex direction="column" gap="2">
          <Text>
            Declared state:{' '}
            {value.source
              ? describeSource(value.source)
              : 'none (live-only: add the stagecraft.io/gitops-location annotation to see and promote versions)'}
          </Text>
          {value.live.kubernetesId && (
            <Text>Live objects labelled {value.live.kubernetesId}</Text>
          )}
          {value.environmentNames && (
            <Text>Environments: {value.environmentNames.join(' → ')}</Text>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}
