import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';
import { withoutApplicationName } from './argocdEnvironments';

describe('withoutApplicationName', () => {
  it('drops the words a namespace shares with its Application', () => {
    expect(withoutApplicationName('guestbook-dev', 'guestbook')).toBe('dev');
    expect(withoutApplicationName('payments-prod-eu', 'payments')).toBe(
      'prod-eu',
    );
    expect(withoutApplicationName('prod', 'web')).toBe('prod');
    // nothing left that names a stage: unchanged
    expect(withoutApplicationName('web-prod', 'web-prod')).toBe('web-prod');
  });
});

describe('an Application whose namespace names its environment', () => {
  it('is in the environment, not in one named like the namespace', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'apps/guestbook/d.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: guestbook}\nspec:\n  template:\n    spec:\n      containers: [{name: g, image: "g:1"}]\n',
        'argocd/guestbook.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: guestbook}\nspec:\n  source: {path: apps/guestbook}\n  destination: {namespace: guestbook-dev}\n',
      }),
    );
    expect(model.environments.map(e => e.name)).toEqual(['dev']);
  });
});
