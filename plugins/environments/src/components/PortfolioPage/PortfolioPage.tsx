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
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { useEntityChanges } from '../../hooks/useEntityChanges';
import { versionLabel } from '../EnvironmentMatrix/versionLabel';
import { portfolioColumns } from './portfolioColumns';
import { stateLabel } from '../PromoteDialog/promotionLabels';

const ALL = 'all';
const PAGE_SIZE = 25;
/** How often the page reloads in an app without signals, in milliseconds. */
export const PORTFOLIO_POLL_MS = 60_000;

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

  // Only the newest load's answer is shown (a reload may overtake a change of owner).
  const latest = useRef(0);
  const load = useCallback(
    async (next?: string, reload?: { limit: number }) => {
      const id = ++latest.current;
      if (!reload) setLoading(true);
      setError(undefined);
      try {
        const page = await environmentsApi.getPortfolio({
          owner: selected === ALL ? undefined : selected,
          cursor: next,
          limit: reload?.limit ?? PAGE_SIZE,
        });
        if (id !== latest.current) return;
        setItems(previous =>
          next ? [...previous, ...page.items] : page.items,
        );
        setCursor(page.nextCursor);
      } catch (e) {
        if (id === latest.current) setError(e as Error);
      } finally {
        if (id === latest.current) setLoading(false);
      }
    },
    [environmentsApi, selected],
  );

  useEffect(() => {
    if (!teams.loading) {
      load();
    }
  }, [load, teams.loading]);

  // A change to a service shown reloads what is shown, quietly (every minute without signals).
  useEntityChanges(
    items.map(item => item.entityRef),
    () =>
      load(undefined, {
        limit: Math.min(100, Math.max(PAGE_SIZE, items.length)),
      }),
    { fallbackPollMs: PORTFOLIO_POLL_MS },
  );

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
