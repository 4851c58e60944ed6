import { chartDirOfTemplate, chartScope } from '../helm/chartScope';
import { renderTemplateText } from '../helm/templateFile';
import { parseYaml, ParsedDocument } from '../yaml/parseYaml';
import { chartHelpers } from './helmTemplates';
import { LayoutContext } from './layoutReader';

/**
 * The documents of an Argo CD Application (or ApplicationSet) that is still
 * a template of an app-of-apps Helm chart, rendered with the chart's own
 * values (see {@link renderTemplateText}); undefined when the template needs
 * more than that, noted as `info`.
 */
export async function renderedApplicationTemplate(
  ctx: LayoutContext,
  file: string,
  text: string,
): Promise<ParsedDocument[] | undefined> {
  const chartDir = chartDirOfTemplate(file, ctx.reader);
  const rendered =
    chartDir !== undefined
      ? renderTemplateText(text, {
          ...(await chartScope(chartDir, ctx.reader)),
          ...(await chartHelpers(ctx, chartDir)),
        })
      : undefined;
  const parsed = rendered !== undefined ? parseYaml(file, rendered) : undefined;
  if (!parsed || parsed.problems.length > 0) {
    ctx.reader.problem(
      file,
      'Argo CD object templated in a Helm chart is not rendered (it needs more than values, chart facts and if blocks)',
      'info',
    );
    return undefined;
  }
  return parsed.documents;
}
