import { basenameOf } from '../files/repositoryFiles';
import { selectedBeside } from '../environments/placeUnits';
import { LayoutContext } from './layoutReader';
import { isValuesFileReferenced } from './valuesReferences';

/**
 * The environments of a chart's values files that something deploys: those
 * a deploying object names, those the entity names, and, when nothing in
 * scope selects what deploys, all of them if there are several (a chart
 * with values per environment). A lone unreferenced `values-prod.yaml` is
 * a note, not an environment.
 */
export async function deployedEnvironments(
  ctx: LayoutContext,
  chartDir: string,
  byEnv: Map<string, string[]>,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [env, files] of byEnv) {
    let referenced = false;
    for (const f of files)
      if (await isValuesFileReferenced(ctx, f, chartDir)) referenced = true;
    if (
      referenced ||
      ctx.declaredEnvironments?.includes(env) ||
      (!selectedBeside(chartDir, ctx.selectedPaths) && byEnv.size >= 2)
    )
      out.add(env);
    else
      for (const f of files) {
        ctx.claimed.add(f);
        ctx.reader.problem(
          f,
          `${basenameOf(
            f,
          )} is referenced by nothing (no Application or HelmRelease names it); not an environment`,
          'info',
        );
      }
  }
  return out;
}
