import { TemplateExample } from '@backstage/plugin-scaffolder-node';

// Written as YAML text: this package does not depend on a YAML library.
export const examples: TemplateExample[] = [
  {
    description: 'Add a qa environment to a component by copying staging',
    example: `steps:
  - id: create
    name: Add the qa environment
    action: environments:create
    input:
      entityRef: component:default/catalogue
      name: qa
      from: staging
`,
  },
  {
    description:
      'Add an environment with its own size and host, and link to the change and the entity',
    example: `steps:
  - id: create
    name: Add the perf environment
    action: environments:create
    input:
      entityRef: catalogue
      name: perf
      from: staging
      namespace: catalogue-perf
      replicas: 4
      cpu: 500m
      memory: 512Mi
      cpuLimit: '1'
      memoryLimit: 1Gi
      host: catalogue-perf.example.com
output:
  links:
    - title: The change
      url: \${{ steps.create.output.changeUrl }}
    - title: Environments of catalogue
      url: \${{ steps.create.output.entityEnvironmentsPath }}
  text:
    - title: The change
      content: Branch \`\${{ steps.create.output.branch }}\` holds the new environment.
`,
  },
];
