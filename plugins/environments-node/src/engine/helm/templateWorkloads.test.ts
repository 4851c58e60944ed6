import { MemoryFiles } from '../files/memoryFiles';
import { scanRepository } from '../scan';

const deployment = (
  name: string,
  image: string,
  extra = '',
) => `{{- if .Values.${name}.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.${name}.name }}
  labels: {{- include "c.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.${name}.replicas }}
  template:
    spec:
      containers:
        - name: server
          image: ${image}
${extra}{{- end }}
`;

describe('helm: images written in chart templates', () => {
  it('renders image lines with the values when the values name no image', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'c/Chart.yaml': 'name: c\nversion: 1.0.0\nappVersion: v0.10.6\n',
        'c/values.yaml':
          'images:\n  repository: r.example/shop\n  tag: ""\napi: {enabled: true, name: api, replicas: 1}\nweb: {enabled: true, name: web, replicas: 2}\nold: {enabled: false, name: old}\nversion: 1.0.0\n',
        'c/values-dev.yaml': 'version: 1.1.0\n',
        'c/values-prod.yaml': 'images: {tag: v0.11.0}\nweb: {replicas: 4}\n',
        'c/templates/_helpers.tpl':
          '{{- define "c.labels" -}}\na: b\n{{- end }}\n',
        'c/templates/api.yaml': deployment(
          'api',
          '{{ .Values.images.repository }}/{{ .Values.api.name }}:{{ .Values.images.tag | default .Chart.AppVersion }}',
        ),
        'c/templates/web.yaml': deployment(
          'web',
          '"r.example/web:{{ .Values.version }}"',
        ),
        'c/templates/old.yaml': deployment('old', 'r.example/old:1'),
        'c/templates/tests/t.yaml': deployment('api', 'busybox:1'),
      }),
    );
    expect(
      model.workloads.map(w => [
        w.environment,
        w.name,
        `${w.containers[0].image}:${w.containers[0].tag}`,
        w.replicas,
        w.containers[0].source && [
          w.containers[0].source.file,
          w.containers[0].source.line,
        ],
      ]),
    ).toEqual([
      ['dev', 'api', 'r.example/shop/api:v0.10.6', 1, ['c/Chart.yaml', 3]],
      [
        'prod',
        'api',
        'r.example/shop/api:v0.11.0',
        1,
        ['c/values-prod.yaml', 1],
      ],
      ['dev', 'web', 'r.example/web:1.1.0', 2, ['c/values-dev.yaml', 1]],
      ['prod', 'web', 'r.example/web:1.0.0', 4, ['c/values.yaml', 7]],
    ]);
    const web = model.workloads.find(w => w.name === 'web')!;
    expect(web.helm?.images.server).toEqual({ tag: 'version' });
  });

  it('renders them for a Flux HelmRelease of a chart in the repository too', async () => {
    const release = (env: string, version: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: ${env}}\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n  values:\n    version: ${version}\n`;
    const model = await scanRepository(
      new MemoryFiles({
        'charts/web/Chart.yaml': 'name: web\nversion: 1.0.0\n',
        'charts/web/values.yaml': 'version: 1.0.0\n',
        'charts/web/templates/d.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: r.example/web:{{ .Values.version }}\n',
        'staging/web.yaml': release('staging', '1.1.0'),
        'production/web.yaml': release('production', '1.0.1'),
      }),
    );
    expect(
      model.workloads.map(w => [
        w.environment,
        w.kind,
        `${w.containers[0]?.image}:${w.containers[0]?.tag}`,
        w.containers[0]?.source?.file,
      ]),
    ).toEqual([
      ['staging', 'Deployment', 'r.example/web:1.1.0', 'staging/web.yaml'],
      [
        'production',
        'Deployment',
        'r.example/web:1.0.1',
        'production/web.yaml',
      ],
    ]);
  });

  it('renders images a chart writes through its _helpers.tpl', async () => {
    const model = await scanRepository(
      new MemoryFiles({
        'c/Chart.yaml': 'name: c\nversion: 1.0.0\nappVersion: "9"\n',
        'c/values.yaml': 'app: {repo: r.example/c, version: ""}\n',
        'c/values-dev.yaml': 'app: {version: "10"}\n',
        'c/values-prod.yaml': 'app: {repo: r.example/c-prod}\n',
        'c/templates/_helpers.tpl':
          '{{- define "c.image" -}}\n{{- $v := .Values.app.version | default .Chart.AppVersion -}}\n{{ .Values.app.repo }}:{{ $v }}\n{{- end }}\n',
        'c/templates/d.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "c.fullname" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: {{ include "c.image" . | quote }}\n',
      }),
    );
    expect(
      model.workloads.map(
        w => `${w.environment} ${w.containers[0].image}:${w.containers[0].tag}`,
      ),
    ).toEqual(['dev r.example/c:10', 'prod r.example/c-prod:9']);
  });
});
