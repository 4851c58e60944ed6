import { Entity } from '@backstage/catalog-model';
import {
  getEntityEnvironmentNames,
  getGitOpsSource,
  isEnvironmentsAvailable,
} from './annotations';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'catalogue', annotations },
    spec: {},
  };
}

describe('isEnvironmentsAvailable', () => {
  it.each([
    [{ 'stagecraft.io/gitops-location': 'demo:apps/catalogue' }, true],
    [{ 'backstage.io/kubernetes-id': 'catalogue' }, true],
    [{ 'backstage.io/kubernetes-label-selector': 'app=catalogue' }, true],
    [{ 'backstage.io/techdocs-ref': 'dir:.' }, false],
    [{}, false],
  ])('%j → %s', (annotations, expected) => {
    expect(isEnvironmentsAvailable(entity(annotations))).toBe(expected);
  });
});

describe('getGitOpsSource', () => {
  it('reads a GitHub tree URL', () => {
    expect(
      getGitOpsSource(
        entity({
          'stagecraft.io/gitops-location':
            'url:https://github.com/org/gitops/tree/main/apps/catalogue',
        }),
      ),
    ).toEqual({
      type: 'url',
      url: 'https://github.com/org/gitops/tree/main/apps/catalogue',
    });
  });

  it('reads a configured repository and a path, with the layout', () => {
    expect(
      getGitOpsSource(
        entity({
          'stagecraft.io/gitops-location': 'demo:./apps/catalogue/',
          'stagecraft.io/gitops-layout': 'Kustomize',
        }),
      ),
    ).toEqual({
      type: 'repository',
      repository: 'demo',
      path: 'apps/catalogue',
      layout: 'kustomize',
    });
  });

  it('is undefined without the annotation', () => {
    expect(
      getGitOpsSource(entity({ 'backstage.io/kubernetes-id': 'x' })),
    ).toBeUndefined();
  });

  it.each([
    ['no-separator', /must be 'url:<url>' or '<repository>:<path>'/],
    ['url:not a url', /invalid URL/],
    ['demo:../../etc', /must not leave the repository/],
  ])('rejects %s', (location, message) => {
    expect(() =>
      getGitOpsSource(entity({ 'stagecraft.io/gitops-location': location })),
    ).toThrow(message);
  });

  it('rejects an unknown layout, naming the choices', () => {
    expect(() =>
      getGitOpsSource(
        entity({
          'stagecraft.io/gitops-location': 'demo:apps/x',
          'stagecraft.io/gitops-layout': 'jsonnet',
        }),
      ),
    ).toThrow(/one of kustomize, helm, flux, argocd, manifests/);
  });
});

describe('getEntityEnvironmentNames', () => {
  it('splits, trims and drops empty names', () => {
    expect(
      getEntityEnvironmentNames(
        entity({ 'stagecraft.io/environments': ' dev, staging,,prod ' }),
      ),
    ).toEqual(['dev', 'staging', 'prod']);
  });

  it('is undefined when absent or empty', () => {
    expect(getEntityEnvironmentNames(entity({}))).toBeUndefined();
    expect(
      getEntityEnvironmentNames(
        entity({ 'stagecraft.io/environments': ' , ' }),
      ),
    ).toBeUndefined();
  });
});
