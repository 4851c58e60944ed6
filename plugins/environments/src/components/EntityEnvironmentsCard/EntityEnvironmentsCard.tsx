import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { versionLabel } from '../EnvironmentMatrix/versionLabel';

/**
 * The overview card: each environment's version and health, in promotion order.
 *
 * @public
 */
export function EntityEnvironmentsCard() {
  const { entity } = useEntity();
  const environmentsApi = useApi(environmentsApiRef);
  const entityRef = getCompoundEntityRef(entity);

  const { value, loading, error } = useAsync(
    () => environmentsApi.getEnvironmentMatrix(entityRef),
    [environmentsApi, entityRef.kind, entityRef.namespace, entityRef.name],
  );

  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Environments
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && value.environments.length === 0 && (
          <Text color="secondary">
            {value.problems[0]?.message ?? 'No environments found.'}
          </Text>
        )}
        {value && value.environments.length > 0 && (
          <Flex direction="column" gap="2">
            {value.environments.map(env => (
              <Flex key={env.name} justify="between" align="center">
                <Text weight="bold">{env.name}</Text>
                <Text>{versionLabel(env.version)}</Text>
                <Text color="secondary" title="Health">
                  {env.health}
                </Text>
              </Flex>
            ))}
          </Flex>
        )}
      </CardBody>
    </Card>
  );
}
