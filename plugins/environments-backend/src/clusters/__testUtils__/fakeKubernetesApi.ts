import { http, HttpResponse, delay } from 'msw';
import { OBJECT_KINDS, ObjectKindKey } from '../KubernetesClient';
import { matchesLabelSelector, parseLabelSelector } from '../labelSelector';

/** One fake cluster: objects served per namespace, as a Kubernetes API server lists them. */
export type FakeCluster = {
  /** Host name under `.k8s.test`, e.g. `dev` for `https://dev.k8s.test`. */
  host: string;
  objects: Array<{ namespace: string; object: any }>;
  /** CRD kinds that are not installed: their lists answer 404. */
  notInstalled?: ObjectKindKey[];
  /** Kinds the service account may not list: 403. */
  forbidden?: ObjectKindKey[];
  /** Never answer. */
  hang?: boolean;
  /**
   * The `metadata.resourceVersion` of every list (default: none, so nothing is watched). The
   * fake does not speak watch: a watch call gets the list, as an API server that ignores `watch`.
   */
  resourceVersion?: string;
};

function route(
  pathname: string,
): { kind: ObjectKindKey; namespace?: string } | undefined {
  for (const [key, spec] of Object.entries(OBJECT_KINDS)) {
    const namespaced = new RegExp(
      `^${spec.prefix.replace(/\./g, '\\.')}/namespaces/([^/]+)/${
        spec.plural
      }$`,
    ).exec(pathname);
    if (namespaced) {
      return {
        kind: key as ObjectKindKey,
        namespace: decodeURIComponent(namespaced[1]),
      };
    }
    if (pathname === `${spec.prefix}/${spec.plural}`) {
      return { kind: key as ObjectKindKey };
    }
  }
  return undefined;
}

/**
 * An msw handler that plays the Kubernetes API of several clusters at `https://<host>.k8s.test`,
 * and the log of the requests it answered.
 */
export function fakeKubernetesApi(clusters: FakeCluster[]) {
  const requests: string[] = [];
  const handler = http.get(
    /^https:\/\/[^/]+\.k8s\.test\//,
    async ({ request }) => {
      const url = new URL(request.url);
      const cluster = clusters.find(c => `${c.host}.k8s.test` === url.hostname);
      const selector = url.searchParams.get('labelSelector');
      const watch = url.searchParams.get('watch');
      requests.push(
        `${url.hostname}${url.pathname}${
          selector ? `?labelSelector=${selector}` : ''
        }${watch ? `${selector ? '&' : '?'}watch=${watch}` : ''}`,
      );
      if (!cluster) return HttpResponse.error();
      if (cluster.hang) {
        await delay('infinite');
      }
      const target = route(url.pathname);
      if (!target || cluster.notInstalled?.includes(target.kind)) {
        return HttpResponse.json(
          { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 },
          { status: 404 },
        );
      }
      if (cluster.forbidden?.includes(target.kind)) {
        return HttpResponse.json(
          { kind: 'Status', message: `${target.kind} is forbidden`, code: 403 },
          { status: 403 },
        );
      }
      const parsed = selector ? parseLabelSelector(selector) : [];
      const spec = OBJECT_KINDS[target.kind];
      const items = cluster.objects
        .filter(
          ({ namespace, object }) =>
            object.kind === spec.kind &&
            (!target.namespace || namespace === target.namespace) &&
            matchesLabelSelector(parsed, object.metadata?.labels),
        )
        .map(({ object }) => object);
      return HttpResponse.json({
        apiVersion: 'v1',
        kind: `${spec.kind}List`,
        metadata: cluster.resourceVersion
          ? { resourceVersion: cluster.resourceVersion }
          : {},
        items,
      });
    },
  );
  return { handler, requests };
}
