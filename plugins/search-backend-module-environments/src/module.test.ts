import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { searchModuleEnvironmentsCollator } from './module';

describe('searchModuleEnvironmentsCollator', () => {
  it('registers the environments collator, guarded by environments.entity.read', async () => {
    const addCollator = jest.fn();

    await startTestBackend({
      extensionPoints: [[searchIndexRegistryExtensionPoint, { addCollator }]],
      features: [
        searchModuleEnvironmentsCollator,
        mockServices.rootConfig.factory({
          data: {
            search: {
              collators: {
                environments: {
                  schedule: {
                    frequency: { minutes: 5 },
                    timeout: { minutes: 2 },
                  },
                },
              },
            },
          },
        }),
      ],
    });

    expect(addCollator).toHaveBeenCalledTimes(1);
    const { factory } = addCollator.mock.calls[0][0];
    expect(factory.type).toBe('environments');
    expect(factory.visibilityPermission.name).toBe('environments.entity.read');
  });

  it('refuses a malformed schedule', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [searchIndexRegistryExtensionPoint, { addCollator: jest.fn() }],
        ],
        features: [
          searchModuleEnvironmentsCollator,
          mockServices.rootConfig.factory({
            data: {
              search: {
                collators: {
                  environments: { schedule: { frequency: 'often' } },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/frequency|timeout/);
  });
});
