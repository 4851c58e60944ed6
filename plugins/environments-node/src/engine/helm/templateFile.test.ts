import { parseYaml } from '../yaml/parseYaml';
import { renderTemplateText } from './templateFile';

const scope = {
  values: parseYaml(
    'v.yaml',
    'repoURL: https://x/r.git\nhydrator: true\nextra: false\n',
  ).documents[0].tree,
  chart: { Name: 'apps' },
  release: { Name: 'apps' },
};

describe('renderTemplateText', () => {
  it('renders expressions and whole-line if blocks, keeping line numbers', () => {
    const text = [
      'kind: Application',
      '{{- if .Values.hydrator }}',
      'spec:',
      '  repoURL: {{ .Values.repoURL | quote }}',
      '{{- else }}',
      'spec: {}',
      '{{- end }}',
      '{{- if .Values.extra }}',
      'extra: 1',
      '{{- end }}',
    ].join('\n');
    const out = renderTemplateText(text, scope)!;
    expect(out.split('\n')).toEqual([
      'kind: Application',
      '',
      'spec:',
      '  repoURL: "https://x/r.git"',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  });

  it('gives up on what it cannot render faithfully', () => {
    for (const text of [
      '{{- range .Values.apps }}\nx: 1\n{{- end }}',
      'name: {{ include "x" . }}',
      'a: {{ if .Values.hydrator }}1{{ end }}',
      '{{- if .Values.hydrator }}\nx: 1\n',
    ])
      expect(renderTemplateText(text, scope)).toBeUndefined();
  });
});
