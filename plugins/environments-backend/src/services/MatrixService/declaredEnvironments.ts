import {
  MatrixEnvironment,
  MatrixProblem,
  MatrixWorkload,
  Version,
} from '@stagecraft/plugin-environments-common';
import { DeclaredModel } from '@stagecraft/plugin-environments-node';

/**
 * Turns the declared-state engine's model into matrix columns: environments in promotion order
 * (narrowed to `environmentNames` when the entity names some), their workloads, their version,
 * and the engine's problems attached to the environment whose folder holds the file. Problems in
 * no environment's folder are returned apart, for the entity as a whole.
 */
export function declaredEnvironments(
  model: DeclaredModel,
  options: { environmentNames?: string[] } = {},
): { environments: MatrixEnvironment[]; problems: MatrixProblem[] } {
  const wanted = options.environmentNames;
  const selected = model.environments
    .filter(env => !wanted || wanted.includes(env.name))
    .sort((a, b) =>
      wanted
        ? wanted.indexOf(a.name) - wanted.indexOf(b.name)
        : a.order - b.order,
    );

  // An environment the entity names but the repository no longer yields (a file that does not
  // parse, a folder gone) keeps its place in the order, empty and with an error, so nothing
  // downstream (the previous environment of a gate) silently shifts.
  const missing = (wanted ?? []).filter(
    name => !model.environments.some(env => env.name === name),
  );
  const columns = wanted
    ? wanted.flatMap(name => {
        const env = selected.find(e => e.name === name);
        if (env) return [env];
        return missing.includes(name)
          ? [{ name, order: -1, paths: [] as string[] }]
          : [];
      })
    : selected;

  const environments: MatrixEnvironment[] = columns.map((env, order) => {
    const workloads: MatrixWorkload[] = model.workloads
      .filter(w => w.environment === env.name)
      .map(w => ({
        application: w.application,
        kind: w.kind,
        name: w.name,
        namespace: w.namespace,
        declared: {
          replicas: w.replicas,
          containers: w.containers
            .filter(c => !c.init)
            .map(c => ({
              name: c.name,
              image: c.image,
              tag: c.tag,
              digest: c.digest,
              resources: c.resources,
              source: c.source,
            })),
          autoscaling: w.autoscaling,
          ingressHosts: w.ingressHosts,
          env: w.env,
          managedBy: w.managedBy,
          provenance: w.provenance,
        },
        live: [],
        drift: [],
        health: 'Unknown' as const,
      }))
      .sort((a, b) => a.application.localeCompare(b.application));

    return {
      name: env.name,
      order,
      version: versionOf(workloads),
      workloads,
      health: 'Unknown',
      clusters: [],
      sync: { status: 'Unknown' },
      problems: missing.includes(env.name)
        ? [
            {
              severity: 'error' as const,
              message: `${env.name} is named by the stagecraft.io/environments annotation, but the repository declares nothing for it (see the repository's problems)`,
            },
          ]
        : [],
    };
  });

  const problems: MatrixProblem[] = [];
  for (const problem of model.problems) {
    const entry: MatrixProblem = {
      message: problem.message,
      severity: problem.severity,
      file: problem.file,
      ...(problem.line !== undefined && { line: problem.line }),
    };
    const owner = model.environments.find(env =>
      env.paths.some(folder => isWithin(problem.file, folder)),
    );
    const column = owner && environments.find(e => e.name === owner.name);
    if (column) {
      column.problems.push(entry);
    } else if (!owner) {
      problems.push(entry);
    }
  }
  return { environments, problems };
}

/** Jobs and CronJobs (migrations, hooks, batch work) run beside a version; they are not part of it. */
const UNVERSIONED_KINDS = new Set(['Job', 'CronJob']);

function versionOf(workloads: MatrixWorkload[]): Version {
  return {
    images: workloads
      .filter(w => !UNVERSIONED_KINDS.has(w.kind))
      .flatMap(w =>
        (w.declared?.containers ?? []).map(c => ({
          application: w.application,
          container: c.name,
          image: c.image,
          tag: c.tag,
          digest: c.digest,
        })),
      ),
  };
}

function isWithin(file: string, folder: string): boolean {
  return folder === '' || file === folder || file.startsWith(`${folder}/`);
}
