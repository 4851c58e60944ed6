import { parseDefines, renderDefineBody } from '../helm/helpers';
import { TemplateScope } from '../helm/templateExpression';
import { ChartFacts } from '../helm/values';
import {
  chartTemplateFiles,
  TemplateSource,
  workloadsFromTemplates,
} from '../helm/templateWorkloads';
import { ValuesLayer } from '../types';
import { TMap } from '../yaml/tree';
import { LayoutContext } from './layoutReader';

/** The chart's helpers (`templates/_*.tpl`) for `include`. */
export async function chartHelpers(
  ctx: LayoutContext,
  chartDir: string,
): Promise<Pick<TemplateScope, 'defines' | 'renderDefine'>> {
  const templates = chartDir ? `${chartDir}/templates/` : 'templates/';
  const texts: string[] = [];
  for (const f of ctx.filesInScope)
    if (f.startsWith(templates) && /\.tpl$/.test(f)) {
      const text = await ctx.reader.text(f);
      if (text) texts.push(text);
    }
  return { defines: parseDefines(texts), renderDefine: renderDefineBody };
}

/** Workloads from a chart's templates, with the merged values (see workloadsFromTemplates). */
export async function templateWorkloads(
  ctx: LayoutContext,
  chartDir: string,
  values: TMap,
  args: { chart: ChartFacts; layers: ValuesLayer[] },
) {
  const templates: TemplateSource[] = [];
  for (const file of chartTemplateFiles(ctx.filesInScope, chartDir)) {
    const text = await ctx.reader.text(file);
    if (text) templates.push({ file, text });
  }
  const appVersion = args.chart.appVersion;
  return workloadsFromTemplates(
    templates,
    {
      values,
      chart: {
        Name: args.chart.name,
        AppVersion: appVersion ? String(appVersion.value ?? '') : undefined,
      },
      release: { Name: args.chart.name },
      ...(appVersion ? { chartLeaves: { AppVersion: appVersion } } : {}),
      ...(await chartHelpers(ctx, chartDir)),
    },
    args.layers,
    args.chart.name,
  );
}
