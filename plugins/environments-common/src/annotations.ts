import { Entity, parseLocationRef } from '@backstage/catalog-model';

/**
 * Where the entity lives in the GitOps repository.
 *
 * For GitHub, a URL as Backstage writes source locations:
 * `url:https://github.com/org/gitops/tree/main/apps/catalogue`. For any other git repository,
 * `<repository>:<path>`, where `<repository>` is a name from `environments.repositories` in config.
 *
 * @public
 */
export const ANNOTATION_GITOPS_LOCATION = 'stagecraft.io/gitops-location';

/**
 * The GitOps layout of the entity's folder (`kustomize`, `helm`, `flux`, `argocd` or `manifests`);
 * detected when absent.
 *
 * @public
 */
export const ANNOTATION_GITOPS_LAYOUT = 'stagecraft.io/gitops-layout';

/**
 * A comma-separated list of environment names that narrows, and orders, the environments shown for
 * the entity.
 *
 * @public
 */
export const ANNOTATION_ENVIRONMENTS = 'stagecraft.io/environments';

/**
 * The Kubernetes plugin's annotations, which also identify an entity's live objects.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** @public */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/**
 * The GitOps layouts the declared-state engine reads.
 *
 * @public
 */
export const GITOPS_LAYOUTS = [
  'kustomize',
  'helm',
  'flux',
  'argocd',
  'manifests',
] as const;

/** @public */
export type GitOpsLayout = (typeof GITOPS_LAYOUTS)[number];

/**
 * Where an entity's declared state lives, as read from its annotations.
 *
 * @public
 */
export type GitOpsSource =
  | {
      /** A URL, e.g. a GitHub tree URL. */
      type: 'url';
      url: string;
      layout?: GitOpsLayout;
    }
  | {
      /** A repository named in `environments.repositories`, and a folder inside it. */
      type: 'repository';
      repository: string;
      path: string;
      layout?: GitOpsLayout;
    };

/**
 * True when the entity carries any annotation that gives it environments: a GitOps location, or
 * the Kubernetes plugin's identity (which yields a live-only view).
 *
 * @public
 */
export function isEnvironmentsAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ANNOTATION_GITOPS_LOCATION] ||
      annotations[ANNOTATION_KUBERNETES_ID] ||
      annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR],
  );
}

/**
 * Reads the entity's GitOps source from its annotations. Returns `undefined` when the entity has
 * no `stagecraft.io/gitops-location`; throws a `TypeError` naming the annotation when it is
 * malformed.
 *
 * @public
 */
export function getGitOpsSource(entity: Entity): GitOpsSource | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const location = annotations[ANNOTATION_GITOPS_LOCATION]?.trim();
  if (!location) {
    return undefined;
  }
  const layout = parseLayout(annotations[ANNOTATION_GITOPS_LAYOUT]);

  let ref: { type: string; target: string };
  try {
    ref = parseLocationRef(location);
  } catch {
    throw new TypeError(
      `Annotation ${ANNOTATION_GITOPS_LOCATION} must be 'url:<url>' or '<repository>:<path>', got '${location}'`,
    );
  }

  if (ref.type === 'url') {
    try {
      // eslint-disable-next-line no-new
      new URL(ref.target);
    } catch {
      throw new TypeError(
        `Annotation ${ANNOTATION_GITOPS_LOCATION} holds an invalid URL '${ref.target}'`,
      );
    }
    return { type: 'url', url: ref.target, ...(layout && { layout }) };
  }

  const path = ref.target.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (path.split('/').includes('..')) {
    throw new TypeError(
      `Annotation ${ANNOTATION_GITOPS_LOCATION} must not leave the repository, got '${ref.target}'`,
    );
  }
  return {
    type: 'repository',
    repository: ref.type,
    path,
    ...(layout && { layout }),
  };
}

/**
 * The environment names an entity narrows its view to, in the order given, or `undefined`.
 *
 * @public
 */
export function getEntityEnvironmentNames(
  entity: Entity,
): string[] | undefined {
  const value = entity.metadata.annotations?.[ANNOTATION_ENVIRONMENTS];
  const names = value
    ?.split(',')
    .map(name => name.trim())
    .filter(Boolean);
  return names?.length ? names : undefined;
}

function parseLayout(value: string | undefined): GitOpsLayout | undefined {
  if (!value) {
    return undefined;
  }
  const layout = value.trim().toLowerCase();
  if (!(GITOPS_LAYOUTS as readonly string[]).includes(layout)) {
    throw new TypeError(
      `Annotation ${ANNOTATION_GITOPS_LAYOUT} must be one of ${GITOPS_LAYOUTS.join(
        ', ',
      )}, got '${value}'`,
    );
  }
  return layout as GitOpsLayout;
}
