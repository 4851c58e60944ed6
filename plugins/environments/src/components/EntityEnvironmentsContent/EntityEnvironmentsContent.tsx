import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { errorMessage } from '../../errors';
import { useEnvironmentMatrix } from '../../hooks/useEnvironmentMatrix';
import { EnvironmentMatrix } from '../EnvironmentMatrix';
import { PromotionHistory } from '../PromotionHistory';

/**
 * The Environments tab of an entity page: what runs where, promotions, and their history.
 * Reloading the matrix keeps it (and any open dialog) on screen.
 *
 * @public
 */
export function EntityEnvironmentsContent() {
  const { entity, value, loading, error, refresh } = useEnvironmentMatrix();

  if (!value) {
    if (loading) {
      return <Progress />;
    }
    return error ? <ResponseErrorPanel error={error} /> : null;
  }

  return (
    <Flex direction="column" gap="4">
      <Card>
        <CardHeader>
          <Text as="h2" variant="title-small">
            Environments
          </Text>
        </CardHeader>
        <CardBody>
          {error && (
            <Text color="warning" role="status">
              Could not refresh the environments: {errorMessage(error)}
            </Text>
          )}
          <EnvironmentMatrix
            matrix={value}
            entityName={entity.metadata.title ?? entity.metadata.name}
            onPromoted={refresh}
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader>
          <Text as="h2" variant="title-small">
            History
          </Text>
        </CardHeader>
        <CardBody>
          <PromotionHistory matrix={value} onPromoted={refresh} />
        </CardBody>
      </Card>
    </Flex>
  );
}
