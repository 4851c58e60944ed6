import { parseYaml } from '../yaml/parseYaml';
import { Resource, resourcesFromDocuments } from '../resources';
import { extractWorkloads } from './extractWorkloads';

function resources(file: string, text: string): Resource[] {
  return resourcesFromDocuments(file, parseYaml(file, text).documents);
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: dev-web
  namespace: shop
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: migrate
          image: web-migrate:3@sha256:abc
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.3
          env:
            - {name: LOG_LEVEL, value: debug}
            - {name: API_TOKEN, value: xyz}
            - name: FROM_CM
              valueFrom: {configMapKeyRef: {name: cfg, key: mode}}
            - name: FROM_SECRET
              valueFrom: {secretKeyRef: {name: s, key: k}}
          envFrom:
            - configMapRef: {name: cfg}
              prefix: CFG_
          resources:
            requests: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {mode: fast, DB_PASSWORD: nope}
---
apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: shop}
spec: {selector: {app: web}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  hostnames: [web.example.com]
  rules:
    - backendRefs: [{name: web-svc, port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other, namespace: shop}
spec:
  rules:
    - host: other.example.com
      http: {paths: [{path: /, backend: {service: {name: unrelated}}}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa, namespace: shop}
spec:
  scaleTargetRef: {kind: Deployment, name: dev-web}
  minReplicas: 2
  maxReplicas: 8
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: r, image: report}]
`;

describe('extractWorkloads', () => {
  const [web, cron] = extractWorkloads(
    resources('k8s/dev/app.yaml', manifest),
    {
      environment: 'dev',
      root: 'k8s/dev',
      managedBy: 'manifests',
    },
  );

  it('reads identity, replicas, images and resources', () => {
    expect(web).toMatchObject({
      application: 'web',
      name: 'dev-web',
      namespace: 'shop',
      kind: 'Deployment',
      replicas: 2,
      managedBy: 'manifests',
    });
    expect(web.containers).toEqual([
      {
        name: 'web',
        image: 'ghcr.io/acme/web',
        tag: '1.2.3',
        digest: null,
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        source: {
          file: 'k8s/dev/app.yaml',
          path: 'spec.template.spec.containers[0].image',
          line: 17,
          document: 0,
        },
      },
      expect.objectContaining({
        name: 'migrate',
        init: true,
        tag: '3',
        digest: 'sha256:abc',
      }),
    ]);
    expect(web.provenance.replicas).toMatchObject({
      path: 'spec.replicas',
      line: 7,
    });
    expect(
      web.provenance['containers.web.resources.requests.cpu'],
    ).toMatchObject({ line: 29 });
  });

  it('reads non-secret env vars from values, configMapKeyRef and envFrom', () => {
    expect(web.env).toEqual({
      LOG_LEVEL: 'debug',
      API_TOKEN: '[redacted]',
      FROM_CM: 'fast',
      CFG_mode: 'fast',
      CFG_DB_PASSWORD: '[redacted]',
    });
    expect(web.provenance['env.FROM_CM']).toMatchObject({
      path: 'data.mode',
      document: 1,
    });
  });

  it('joins HPA by scaleTargetRef and hosts through the Service selector', () => {
    expect(web.autoscaling).toEqual({
      kind: 'HorizontalPodAutoscaler',
      name: 'hpa',
      minReplicas: 2,
      maxReplicas: 8,
      targets: [{ name: 'memory', type: 'Resource', averageValue: '500Mi' }],
    });
    expect(web.ingressHosts).toEqual(['web.example.com']);
  });

  it('reads CronJobs and untagged images', () => {
    expect(cron).toMatchObject({
      kind: 'CronJob',
      replicas: null,
      namespace: null,
    });
    expect(cron.containers[0]).toMatchObject({
      image: 'report',
      tag: null,
      digest: null,
    });
  });
});
