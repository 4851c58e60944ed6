import { parseYaml } from '../yaml/parseYaml';
import {
  evaluateAction,
  renderLine,
  TemplateScope,
  UnsupportedTemplate,
} from './templateExpression';

const values = parseYaml(
  'c/values.yaml',
  'image:\n  repository: r/app\n  tag: ""\nversion: 1.2.3\nrepoURL: https://x/r.git\nname: web\n',
).documents[0].tree;
const scope: TemplateScope = {
  values,
  chart: { AppVersion: '9.9', Name: 'app', Version: '0.1.0' },
  release: { Name: 'web-dev', Namespace: 'dev' },
};

describe('evaluateAction', () => {
  it('reads values, chart and release fields with the leaves they came from', () => {
    const v = evaluateAction('{{ .Values.version }}', scope);
    expect(v.value).toBe('1.2.3');
    expect(v.leaves.map(l => l.prov)).toEqual([
      { file: 'c/values.yaml', path: 'version', line: 4 },
    ]);
    expect(evaluateAction('{{ .Chart.AppVersion }}', scope).value).toBe('9.9');
    expect(evaluateAction('{{- .Release.Name -}}', scope).value).toBe(
      'web-dev',
    );
    expect(evaluateAction('{{ $.Values.name }}', scope).value).toBe('web');
  });

  it('runs pipelines, default, quote, printf and parentheses', () => {
    expect(
      evaluateAction(
        '{{ .Values.image.tag | default .Chart.AppVersion }}',
        scope,
      ).value,
    ).toBe('9.9');
    expect(
      evaluateAction('{{ default "x" .Values.version }}', scope).value,
    ).toBe('1.2.3');
    expect(evaluateAction('{{ .Values.repoURL | quote }}', scope).value).toBe(
      '"https://x/r.git"',
    );
    expect(
      evaluateAction(
        '{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}',
        scope,
      ).value,
    ).toBe('r/app:9.9');
  });

  it('refuses what it does not understand', () => {
    for (const expr of [
      '{{ include "x.fullname" . }}',
      '{{ $v := 1 }}',
      '{{ .Capabilities.KubeVersion }}',
      '{{ if .Values.x }}',
    ])
      expect(() => evaluateAction(expr, scope)).toThrow(UnsupportedTemplate);
  });
});

describe('renderLine', () => {
  it('renders every action of a line, or nothing', () => {
    expect(renderLine('image: r/app:{{ .Values.version }}', scope)?.text).toBe(
      'image: r/app:1.2.3',
    );
    expect(
      renderLine('image: {{ include "img" . }}:{{ .Values.version }}', scope),
    ).toBeUndefined();
  });
});
