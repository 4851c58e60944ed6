import { mockServices } from '@backstage/backend-test-utils';
import { readGitRepositories } from './readGitRepositories';

describe('readGitRepositories', () => {
  it('creates one repository per entry, by name', () => {
    const repositories = readGitRepositories({
      config: mockServices.rootConfig({
        data: {
          environments: {
            repositories: {
              demo: { url: '../../.stagecraft/gitops', branch: 'main' },
              platform: {
                url: 'https://git.example.com/platform/gitops.git',
                refreshInterval: { minutes: 2 },
                allowMerge: true,
              },
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
    });

    expect([...repositories.keys()]).toEqual(['demo', 'platform']);
    expect(repositories.get('demo')!.name).toBe('demo');
    expect(repositories.get('demo')!.canMerge).toBe(false);
    expect(repositories.get('platform')!.canMerge).toBe(true);
  });

  it('has none without configuration', () => {
    expect(
      readGitRepositories({
        config: mockServices.rootConfig({ data: {} }),
        logger: mockServices.logger.mock(),
      }).size,
    ).toBe(0);
  });

  it('refuses an entry without a URL, or with a malformed interval', () => {
    const logger = mockServices.logger.mock();
    expect(() =>
      readGitRepositories({
        config: mockServices.rootConfig({
          data: {
            environments: { repositories: { demo: { branch: 'main' } } },
          },
        }),
        logger,
      }),
    ).toThrow(/url/);
    expect(() =>
      readGitRepositories({
        config: mockServices.rootConfig({
          data: {
            environments: {
              repositories: { demo: { url: '.', refreshInterval: 'soon' } },
            },
          },
        }),
        logger,
      }),
    ).toThrow(/refreshInterval/);
    expect(() =>
      readGitRepositories({
        config: mockServices.rootConfig({
          data: {
            environments: {
              repositories: { demo: { url: '.', allowMerge: 'sometimes' } },
            },
          },
        }),
        logger,
      }),
    ).toThrow(/allowMerge/);
  });
});
