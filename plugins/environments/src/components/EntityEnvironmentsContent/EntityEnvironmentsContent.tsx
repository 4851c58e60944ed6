import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import { useEnvironmentMatrix } from '../../hooks/useEnvironmentMatrix';
import { EnvironmentMatrix } from '../EnvironmentMatrix';

/**
 * The Environments tab of an entity page: what runs where.
 *
 * @public
 */
export function EntityEnvironmentsContent() {
  const { entity, value, loading, error } = useEnvironmentMatrix();

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
