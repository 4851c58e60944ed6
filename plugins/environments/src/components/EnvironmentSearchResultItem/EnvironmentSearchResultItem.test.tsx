import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expectNoAxeViolations } from '../../__testUtils__/expectNoAxeViolations';
import {
  EnvironmentSearchResultItem,
  isEnvironmentSearchResult,
  placesOf,
} from './EnvironmentSearchResultItem';
import { EnvironmentSearchResultListItem } from './EnvironmentSearchResultListItem';
import { EnvironmentSearchResultListItem as LegacyEnvironmentSearchResultListItem } from '../../legacy';

// A document as the environments collator builds it (toEnvironmentDocument).
const document = {
  title: 'catalogue in prod',
  text:
    'catalogue runs craftista/catalogue:1.3.0 in prod. ' +
    'Cluster/namespace: prod-eu/craftista-prod, prod-us/craftista-prod. ' +
    'Health: Degraded. Owner: group:default/team-craft.',
  location:
    '/catalog/default/component/catalogue/environments?environment=prod',
  entityRef: 'component:default/catalogue',
  environment: 'prod',
  version: '1.3.0',
  health: 'Degraded',
  owner: 'group:default/team-craft',
  authorization: { resourceRef: 'component:default/catalogue' },
};

function detail(label: string) {
  return screen.getByText(label).closest('div')!.querySelector('dd')!;
}

describe('placesOf', () => {
  it('reads the clusters and namespaces from the document text', () => {
    expect(placesOf(document.text)).toEqual([
      'prod-eu/craftista-prod',
      'prod-us/craftista-prod',
    ]);
    expect(
      placesOf('voting runs no pinned image in dev. Health: Missing.'),
    ).toEqual([]);
    expect(placesOf('x runs y:1 in dev. Cluster/namespace: dev.eu/x.')).toEqual(
      ['dev.eu/x'],
    );
  });
});

describe('isEnvironmentSearchResult', () => {
  it('matches the environments document type only', () => {
    expect(isEnvironmentSearchResult({ type: 'environments' })).toBe(true);
    expect(isEnvironmentSearchResult({ type: 'software-catalog' })).toBe(false);
  });
});

describe('EnvironmentSearchResultItem', () => {
  it('links the title to the environment on the Environments tab, with version, health, places and owner', async () => {
    await renderInTestApp(<EnvironmentSearchResultItem result={document} />);

    const link = screen.getByRole('link', { name: 'catalogue in prod' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/catalogue/environments?environment=prod',
    );
    expect(detail('Version')).toHaveTextContent('1.3.0');
    expect(detail('Health')).toHaveTextContent('Degraded');
    expect(detail('Cluster/namespace')).toHaveTextContent(
      'prod-eu/craftista-prod, prod-us/craftista-prod',
    );
    expect(detail('Owner')).toHaveTextContent('team-craft');
    expect(within(detail('Owner')).getByText('team-craft')).toHaveAttribute(
      'title',
      'group:default/team-craft',
    );
    await expectNoAxeViolations();
  });

  it('colours health as the matrix does', async () => {
    await renderInTestApp(
      <>
        {['Healthy', 'Degraded', 'Missing', 'Progressing', 'Unknown'].map(
          health => (
            <EnvironmentSearchResultItem
              key={health}
              result={{ ...document, health }}
            />
          ),
        )}
      </>,
    );

    const colours = screen
      .getAllByText('Health')
      .map(label =>
        label
          .closest('div')!
          .querySelector('dd')!
          .firstElementChild!.getAttribute('data-color'),
      );
    expect(colours).toEqual([
      'success',
      'danger',
      'warning',
      'info',
      'secondary',
    ]);
  });

  it('marks the terms the search engine highlighted', async () => {
    await renderInTestApp(
      <EnvironmentSearchResultItem
        result={document}
        highlight={{
          preTag: '<em>',
          postTag: '</em>',
          fields: {
            title: '<em>catalogue</em> in prod',
            text: 'catalogue runs craftista/<em>catalogue</em>:1.3.0 in prod.',
          },
        }}
      />,
    );

    const link = screen.getByRole('link', { name: 'catalogue in prod' });
    expect(link.querySelector('mark')).toHaveTextContent('catalogue');
    expect(
      screen
        .getByText((_, element) =>
          element?.tagName === 'SPAN'
            ? element.textContent ===
              'catalogue runs craftista/catalogue:1.3.0 in prod.'
            : false,
        )
        .querySelector('mark'),
    ).toHaveTextContent('catalogue');
    await expectNoAxeViolations();
  });

  it('leaves out what the document does not carry', async () => {
    const unpinned = {
      title: 'voting in dev',
      text: 'voting runs no pinned image in dev. Health: Missing.',
      location:
        '/catalog/default/component/voting/environments?environment=dev',
      version: '',
      health: 'Missing',
    };
    await renderInTestApp(<EnvironmentSearchResultItem result={unpinned} />);

    expect(detail('Version')).toHaveTextContent('no pinned image');
    expect(screen.queryByText('Cluster/namespace')).not.toBeInTheDocument();
    expect(screen.queryByText('Owner')).not.toBeInTheDocument();
    await expectNoAxeViolations();
  });
});

describe('EnvironmentSearchResultListItem', () => {
  it('reports a click on the result as a discover event with its rank', async () => {
    const analytics = mockApis.analytics();
    await renderInTestApp(
      <EnvironmentSearchResultListItem result={document} rank={3} />,
      { apis: [analytics] },
    );

    await userEvent.click(
      screen.getByRole('link', { name: 'catalogue in prod' }),
    );

    expect(analytics.getEvents()).toContainEqual(
      expect.objectContaining({
        action: 'discover',
        subject: 'catalogue in prod',
        value: 3,
        attributes: expect.objectContaining({ to: document.location }),
      }),
    );
  });

  it('does not report the click with noTrack', async () => {
    const analytics = mockApis.analytics();
    await renderInTestApp(
      <EnvironmentSearchResultListItem result={document} rank={3} noTrack />,
      { apis: [analytics] },
    );

    await userEvent.click(
      screen.getByRole('link', { name: 'catalogue in prod' }),
    );

    expect(analytics.getEvents().map(e => e.action)).not.toContain('discover');
  });
});

describe('the legacy export', () => {
  it('renders the result as a component extension of the legacy plugin', async () => {
    await renderInTestApp(
      <LegacyEnvironmentSearchResultListItem result={document} rank={1} />,
    );

    expect(
      await screen.findByRole('link', { name: 'catalogue in prod' }),
    ).toBeInTheDocument();
    expect(detail('Version')).toHaveTextContent('1.3.0');
    await expectNoAxeViolations();
  });
});
