import {
  EnvironmentMatrix,
  Provenance,
} from '@stagecraft/plugin-environments-common';

/**
 * A web link to a declared value's file and line, at the commit the matrix was read at: for
 * GitHub locations (`url:https://<host>/<owner>/<repo>/tree/…`). Plain-git repositories have no
 * web view to link to.
 */
export function provenanceUrl(
  matrix: Pick<EnvironmentMatrix, 'source' | 'revision'>,
  provenance: Provenance,
): string | undefined {
  if (matrix.source?.type !== 'url' || !matrix.revision) {
    return undefined;
  }
  const repository = /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/(tree|blob)\//.exec(
    matrix.source.url,
  );
  if (!repository) {
    return undefined;
  }
  const file = provenance.file.split('/').map(encodeURIComponent).join('/');
  return `${repository[1]}/blob/${matrix.revision.commit}/${file}#L${provenance.line}`;
}

/** An ingress host as a link: `https://` unless the host says otherwise. */
export function hostUrl(host: string): string {
  return /^https?:\/\//.test(host) ? host : `https://${host}`;
}
