import { basenameOf, isWithin } from '../files/repositoryFiles';
import { LayoutContext } from './layoutReader';

const DEPLOYER_TEXT = /argoproj\.io|fluxcd\.io|releases:/;
const cache = new WeakMap<LayoutContext, Promise<string[]>>();

/** Texts of the files in scope that can deploy a chart (Argo CD, Flux, helmfile). */
function deployerTexts(ctx: LayoutContext): Promise<string[]> {
  let texts = cache.get(ctx);
  if (!texts) {
    texts = (async () => {
      const out: string[] = [];
      for (const f of ctx.filesInScope) {
        if (!/\.ya?ml$/i.test(f)) continue;
        const text = await ctx.reader.text(f);
        if (text && DEPLOYER_TEXT.test(text)) out.push(text);
      }
      return out;
    })();
    cache.set(ctx, texts);
  }
  return texts;
}

/**
 * Whether something that deploys charts (an Argo CD Application, even one
 * still a Helm template; a Flux HelmRelease; a helmfile) names a values
 * file: by its path in the repository, its path inside the chart
 * (`env/dev/values.yaml`), or its own name when that is specific
 * (`values-prod.yaml`).
 */
export async function isValuesFileReferenced(
  ctx: LayoutContext,
  file: string,
  chartDir: string,
): Promise<boolean> {
  const names = [file];
  if (chartDir && isWithin(file, chartDir))
    names.push(file.slice(chartDir.length + 1));
  const base = basenameOf(file);
  if (!/^values\.ya?ml$/i.test(base)) names.push(base);
  const texts = await deployerTexts(ctx);
  return texts.some(t => names.some(n => t.includes(n)));
}
