import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { useEnvironmentMatrix } from '../../hooks/useEnvironmentMatrix';
import { versionLabel } from '../EnvironmentMatrix/versionLabel';

/**
 * The overview card: each environment's version and health, in promotion order.
 *
 * @public
 */
export function EntityEnvironmentsCard() {
  const { value, loading, error } = useEnvironmentMatrix();

  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Environments
        </Text>
      </CardHeader>
      <CardBody>
        {loading && !value && <Progress />}
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
