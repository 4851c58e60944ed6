import { RepoReader } from '../files/repoReader';
import { apiVersionOf, kindOf, nameOf, Resource } from '../resources';
import { getIn, isMap, provOf, str } from '../yaml/tree';

const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'Bucket']);

function describeSource(kind: string, name: string, source?: Resource): string {
  const url = source ? str(getIn(source.tree, ['spec', 'url'])) : undefined;
  const ref = source ? getIn(source.tree, ['spec', 'ref']) : undefined;
  const at = isMap(ref)
    ? ['branch', 'tag', 'semver', 'commit']
        .map(k => (str(ref[k]) ? `${k} ${str(ref[k])}` : undefined))
        .find(Boolean)
    : undefined;
  const detail = [url, at].filter(Boolean).join(', ');
  return `${kind} ${name}${detail ? ` (${detail})` : ''}`;
}

/**
 * Flux Kustomizations of a rendered unit that apply a path of another
 * source than this checkout (a tenant's GitRepository on another branch, an
 * OCI artifact): what they deploy is not in the scan, so an environment
 * they make may have no workload. Each becomes an `info` problem that says
 * where its workloads are.
 */
export function noteForeignFluxSources(
  resources: Resource[],
  reader: RepoReader,
): void {
  for (const k of resources) {
    if (
      kindOf(k) !== 'Kustomization' ||
      !apiVersionOf(k).startsWith('kustomize.toolkit.fluxcd.io/')
    )
      continue;
    const ref = getIn(k.tree, ['spec', 'sourceRef']);
    const kind = isMap(ref) ? str(ref.kind) : undefined;
    const name = isMap(ref) ? str(ref.name) : undefined;
    if (!kind || !name || !SOURCE_KINDS.has(kind) || name === 'flux-system')
      continue;
    const source = resources.find(
      r => kindOf(r) === kind && nameOf(r) === name,
    );
    // a GitRepository we cannot see may well be this repository
    if (kind === 'GitRepository' && !source) continue;
    const path = str(getIn(k.tree, ['spec', 'path'])) ?? './';
    reader.problem(
      k.file,
      `Flux Kustomization ${nameOf(k)} deploys ${path} from ${describeSource(
        kind,
        name,
        source,
      )}, another source than this checkout; its workloads are not read`,
      'info',
      provOf(getIn(k.tree, ['spec', 'sourceRef']))?.line,
    );
  }
}
