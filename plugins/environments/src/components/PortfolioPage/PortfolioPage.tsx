import { parseEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Button,
  Cell,
  Column,
  Container,
  Flex,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  EnvironmentMatrix,
  PromotionState,
} from '@stagecraft/plugin-environments-common';
import { useCallback, useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { versionLabel } from '../EnvironmentMatrix/versionLabel';
import { portfolioColumns } from './portfolioColumns';
import { stateLabel } from '../PromoteDialog/promotionLabels';

const ALL = 'all';

/**
 * The portfolio: the services of one of my teams (or all) × their environments, each cell the
 * version and health there.
 *
 * @public
 */
export function PortfolioPage() {
  const environmentsApi = useApi(environmentsApiRef);
  const identityApi = useApi(identityApiRef);

  const teams = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    return ownershipEntityRefs.filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
    );
  }, [identityApi]);

  const [owner, setOwner] = useState<string>();
  const selected = owner ?? teams.value?.[0] ?? ALL;

  const [items, setItems] = useState<EnvironmentMatrix[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error>();

  const load = useCallback(
    async (next?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await environmentsApi.getPortfolio({
          owner: selected === ALL ? undefined : selected,
          cursor: next,
          limit: 25,
        });
        setItems(previous =>
          next ? [...previous, ...page.items] : page.items,
        );
        setCursor(page.nextCursor);
      } catch (e) {
        setError(e as Error);
      } finally {
        setLoading(false);
      }
    },
    [environmentsApi, selected],
  );

  useEffect(() => {
    if (!teams.loading) {
      load();
    }
  }, [load, teams.loading]);

  const columns = portfolioColumns(items);

  return (
    <Container>
      <Flex direction="column" gap="4" py="6">
        <Flex gap="2" role="group" aria-label="Whose services">
          {[...(teams.value ?? []), ALL].map(ref => (
            <Button
              key={ref}
              variant={ref === selected ? 'primary' : 'secondary'}
              aria-pressed={ref === selected}
              onPress={() => setOwner(ref)}
            >
              {ref === ALL ? 'All services' : parseEntityRef(ref).name}
            </Button>
          ))}
        </Flex>
        {error && <ResponseErrorPanel error={error} />}
        {items.length === 0 && !loading && !error && (
          <Text color="secondary">
            No services with environments here yet: annotate them with
            stagecraft.io/gitops-location.
          </Text>
        )}
        {items.length > 0 && (
          <TableRoot aria-label="Services by environment">
            <TableHeader>
              <Column isRowHeader>Service</Column>
              {columns.map(name => (
                <Column key={name} id={name}>
                  {name}
                </Column>
              ))}
            </TableHeader>
            <TableBody>
              {items.map(item => (
                <Row key={item.entityRef} id={item.entityRef}>
                  <Cell>
                    <EntityRefLink entityRef={item.entityRef} />
                  </Cell>
                  {columns.map(name => {
                    const env = item.environments.find(e => e.name === name);
                    const open = item.openPromotions?.find(p => p.to === name);
                    return (
                      <Cell key={name}>
                        {env ? (
                          <Text title={env.health}>
                            {versionLabel(env.version)} · {env.health}
                          </Text>
                        ) : (
                          <Text color="secondary">—</Text>
                        )}
                        {open && (
                          <Text variant="body-small" color="warning">
                            {' '}
                            ← {open.from}:{' '}
                            {stateLabel(open.state as PromotionState)}
                            {open.pullRequest
                              ? ` (#${open.pullRequest.number})`
                              : ''}
                          </Text>
                        )}
                      </Cell>
                    );
                  })}
                </Row>
              ))}
            </TableBody>
          </TableRoot>
        )}
        {(loading || teams.loading) && <Progress />}
        {cursor && !loading && (
          <Button variant="secondary" onPress={() => load(cursor)}>
            Load more
          </Button>
        )}
      </Flex>
    </Container>
  );
}
