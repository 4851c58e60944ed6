import { dirnameOf } from '../files/repositoryFiles';
import { environmentOfFolder } from '../environments/environmentDiscovery';
import { getIn, isSeq, str, TMap, TNode } from '../yaml/tree';
import { namesEnvironment } from './helm';
import { LayoutContext } from './layoutReader';

/** The environment the Helm value files of an Application's sources name, if they name one. */
function environmentOfValueFiles(tree: TMap): string | undefined {
  const spec = tree.spec;
  const sources = [
    getIn(spec, ['source']),
    ...(isSeq(getIn(spec, ['sources']))
      ? (getIn(spec, ['sources']) as TNode[])
      : []),
  ];
  for (const source of sources) {
    const files = getIn(source, ['helm', 'valueFiles']);
    for (const f of isSeq(files) ? files : []) {
      const path = str(f) ?? '';
      const named = /(?:^|\/)values[-._]([^/]+)\.ya?ml$/i.exec(path);
      if (named && namesEnvironment(named[1])) return named[1];
      const folder = environmentOfFolder(
        dirnameOf(path.replace(/^\$[\w-]+\//, '')),
      );
      if (folder && /(?:^|\/)values\.ya?ml$/i.test(path)) return folder.key;
    }
  }
  return undefined;
}

/**
 * A namespace such as `guestbook-dev` or `payments-prod-eu` without the
 * words it shares with its Application's name (`guestbook`, `payments`):
 * `dev`, `prod-eu`. Unchanged when that leaves no stage.
 */
export function withoutApplicationName(value: string, appName: string): string {
  const appWords = new Set(appName.toLowerCase().split(/[-_.]/));
  const rest = value.split(/[-_.]/).filter(w => !appWords.has(w.toLowerCase()));
  const trimmed = rest.join('-');
  return rest.length > 0 && namesEnvironment(trimmed) ? trimmed : value;
}

export function envOfApplication(
  ctx: LayoutContext,
  app: { tree: TMap; file: string; env?: string; name: string },
  sourcePath: string | undefined,
): string | undefined {
  if (app.env) return app.env;
  if (sourcePath !== undefined) {
    const fromFolder = environmentOfFolder(sourcePath, ctx.reader.childFolders);
    if (fromFolder) return fromFolder.key;
  }
  // `valueFiles: [values-prod.yaml]`, `[env/prod/values.yaml]`
  const fromValues = environmentOfValueFiles(app.tree);
  if (fromValues) return fromValues;
  // `guestbook-dev`, `prod-payments`
  const parts = app.name.split(/[-_.]/);
  const word = [parts[parts.length - 1], parts[0]].find(
    p => p && namesEnvironment(p),
  );
  if (word) return word;
  const ns = str(getIn(app.tree, ['spec', 'destination', 'namespace']));
  if (ns && namesEnvironment(ns)) return withoutApplicationName(ns, app.name);
  // the destination cluster (`prod-infra`)
  const cluster = str(getIn(app.tree, ['spec', 'destination', 'name']));
  if (cluster && namesEnvironment(cluster)) return cluster;
  return environmentOfFolder(dirnameOf(app.file), ctx.reader.childFolders)?.key;
}
