import { ChartFacts } from '../helm/values';
import {
  chartTemplateFiles,
  TemplateSource,
  workloadsFromTemplates,
} from '../helm/templateWorkloads';
import { ValuesLayer } from '../types';
import { TMap } from '../yaml/tree';
import { LayoutContext } from './layoutReader';

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
    },
    args.layers,
    args.chart.name,
  );
}
