import { parseYaml } from '../yaml/parseYaml';
import { parseDefines, renderDefineBody } from './helpers';
import { renderLine, TemplateScope } from './templateExpression';

const helpers = `{{/* Image of the app */}}
{{- define "app.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.registry -}}
{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ $tag }}
{{- else -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end -}}
{{- end }}

{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 -}}
{{- end }}
`;

function scopeOf(values: string): TemplateScope {
  return {
    values: parseYaml('values.yaml', values).documents[0].tree,
    chart: { Name: 'app', AppVersion: '1.2.3' },
    release: { Name: 'app' },
    defines: parseDefines([helpers]),
    renderDefine: renderDefineBody,
  };
}

describe('helpers', () => {
  it('finds defines with nested blocks', () => {
    expect([...parseDefines([helpers]).keys()]).toEqual([
      'app.image',
      'app.name',
    ]);
  });

  it('renders an image helper with variables, if/else and trimming', () => {
    const line = 'image: {{ include "app.image" . }}';
    expect(
      renderLine(line, scopeOf('image: {repository: r/app, tag: ""}\n'))?.text,
    ).toBe('image: r/app:1.2.3');
    expect(
      renderLine(
        line,
        scopeOf('image: {registry: reg.io, repository: r/app, tag: "2"}\n'),
      )?.text,
    ).toBe('image: reg.io/r/app:2');
  });

  it('gives up on helpers it cannot render', () => {
    // trunc is not a function we know
    expect(
      renderLine('name: {{ include "app.name" . }}', scopeOf('a: 1\n')),
    ).toBeUndefined();
    expect(
      renderLine('name: {{ include "missing" . }}', scopeOf('a: 1\n')),
    ).toBeUndefined();
  });
});
