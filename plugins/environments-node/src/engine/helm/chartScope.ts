import { basenameOf, dirnameOf } from '../files/repositoryFiles';
import { RepoReader } from '../files/repoReader';
import { isMap, str } from '../yaml/tree';
import { TemplateScope } from './templateExpression';

/** The chart folder of a file under `<chart>/templates/`, when it has a Chart.yaml. */
export function chartDirOfTemplate(
  file: string,
  reader: RepoReader,
): string | undefined {
  let dir = dirnameOf(file);
  while (dir && basenameOf(dir) !== 'templates') dir = dirnameOf(dir);
  if (!dir) return undefined;
  const chart = dirnameOf(dir);
  const prefix = chart ? `${chart}/` : '';
  return reader.isFile(`${prefix}Chart.yaml`) ||
    reader.isFile(`${prefix}Chart.yml`)
    ? chart
    : undefined;
}

/** What a chart's templates see without a release: its values.yaml and Chart.yaml. */
export async function chartScope(
  chartDir: string,
  reader: RepoReader,
): Promise<TemplateScope> {
  const prefix = chartDir ? `${chartDir}/` : '';
  const chartFile = reader.isFile(`${prefix}Chart.yaml`)
    ? `${prefix}Chart.yaml`
    : `${prefix}Chart.yml`;
  const chart = (await reader.yaml(chartFile))?.[0]?.tree;
  const valuesFile = reader.isFile(`${prefix}values.yaml`)
    ? `${prefix}values.yaml`
    : `${prefix}values.yml`;
  const values = reader.isFile(valuesFile)
    ? (await reader.yaml(valuesFile))?.[0]?.tree
    : undefined;
  const field = (k: string) => (isMap(chart) ? str(chart[k]) : undefined);
  const name = field('name') ?? basenameOf(chartDir);
  return {
    values,
    chart: {
      Name: name,
      Version: field('version'),
      AppVersion: field('appVersion'),
    },
    release: { Name: name, Namespace: undefined },
  };
}
