import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleEnvironments } from './module';

describe('scaffolderModuleEnvironments', () => {
  it('registers with the scaffolder’s actions extension point', async () => {
    const addActions = jest.fn();

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleEnvironments],
    });

    expect(addActions).toHaveBeenCalledTimes(1);
  });
});
