import { parseEntityRef } from '@backstage/catalog-model';

/** The entity's Environments tab in the app, for pull requests and notifications. */
export function entityEnvironmentsUrl(
  appBaseUrl: string | undefined,
  entityRef: string,
): string | undefined {
  if (!appBaseUrl) {
    return undefined;
  }
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `${appBaseUrl.replace(/\/$/, '')}/catalog/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/environments`;
}
