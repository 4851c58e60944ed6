import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  DeclaredState,
  MatrixWorkload,
} from '@stagecraft/plugin-environments-common';
import { environmentsPlugin } from '../../plugin';
import { environment, matrix } from '../../__testUtils__/fixtures';
import { EnvironmentMatrix } from './EnvironmentMatrix';

const file = 'apps/catalogue/overlays/prod/kustomization.yaml';

function workload(tag: string, live: string): MatrixWorkload {
  const declared: DeclaredState = {
    replicas: 2,
    containers: [
      {
        name: 'catalogue',
        image: 'craftista/catalogue',
        tag,
        digest: null,
        resources: null,
        source: { file, path: 'images[0].newTag', line: 7 },
      },
    ],
    autoscaling: null,
    ingressHosts: ['craftista.com', 'www.craftista.com'],
    env: {},
    managedBy: 'kustomize',
    provenance: {},
  };
  return {
    application: 'catalogue',
    kind: 'Deployment',
    name: 'catalogue',
    namespace: 'craftista-prod',
    declared,
    live: [],
    drift: [
      {
        field: 'image',
        container: 'catalogue',
        cluster: 'eu-1',
        declared: tag,
        live,
        provenance: { file, path: 'images[0].newTag', line: 7 },
      },
    ],
    health: 'Healthy',
  };
}

describe('EnvironmentMatrix', () => {
  it('links ingress hosts, and a drift to the line of the file that declares the value', async () => {
    await renderInTestApp(
      <EnvironmentMatrix
        entityName="catalogue"
        matrix={matrix({
          source: {
            type: 'url',
            url: 'https://github.com/org/gitops/tree/main/apps/catalogue',
          },
          revision: {
            repository: 'github.com/org/gitops',
            branch: 'main',
            commit: 'abc1234def',
          },
          environments: [
            {
              ...environment('prod', 0, '1.3.2'),
              workloads: [workload('1.3.2', '1.3.1')],
            },
          ],
          promotions: [],
        })}
      />,
      { features: [environmentsPlugin] },
    );

    expect(screen.getByRole('link', { name: 'craftista.com' })).toHaveAttribute(
      'href',
      'https://craftista.com',
    );
    expect(
      screen.getByRole('link', { name: 'www.craftista.com' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'kustomization.yaml:7' }),
    ).toHaveAttribute(
      'href',
      `https://github.com/org/gitops/blob/abc1234def/${file}#L7`,
    );
  });
});
