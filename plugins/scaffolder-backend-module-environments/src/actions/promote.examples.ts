import { TemplateExample } from '@backstage/plugin-scaffolder-node';

// Written as YAML text: this package does not depend on a YAML library.
export const examples: TemplateExample[] = [
  {
    description:
      'Promote the version running in staging to production, as a pull request',
    example: `steps:
  - id: promote
    name: Promote to production
    action: environments:promote
    input:
      entityRef: component:default/catalogue
      from: staging
      to: production
      note: Release 2.4.0
`,
  },
  {
    description:
      'Promote a given image tag and wait until it runs healthy in the target',
    example: `steps:
  - id: promote
    name: Promote catalogue-api 2.4.1 to staging
    action: environments:promote
    input:
      entityRef: catalogue
      from: dev
      to: staging
      version:
        - application: catalogue
          container: api
          tag: 2.4.1
      waitFor: completed
      timeoutMinutes: 20
`,
  },
  {
    description:
      'Wait for the pull request, then link to it from the task’s output',
    example: `steps:
  - id: promote
    name: Promote to production
    action: environments:promote
    input:
      entityRef: component:default/catalogue
      from: staging
      to: production
      waitFor: pending-review
output:
  links:
    - title: Promotion pull request
      url: \${{ steps.promote.output.pullRequestUrl }}
`,
  },
];
