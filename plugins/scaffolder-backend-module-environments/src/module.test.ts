import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleEnvironments } from './module';

describe('scaffolderModuleEnvironments', () => {
  it('registers environments:promote and environments:create with the scaffolder', async () => {
    const addActions = jest.fn();

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleEnvironments],
    });

    expect(addActions).toHaveBeenCalledTimes(1);
    expect(
      addActions.mock.calls[0].map((action: { id: string }) => action.id),
    ).toEqual(['environments:promote', 'environments:create']);
  });
});
