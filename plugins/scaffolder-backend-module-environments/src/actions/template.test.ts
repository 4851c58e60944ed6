import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createCreateEnvironmentAction } from './create';

/** The demo's template, registered in app-config.yaml. */
const templatePath = resolve(
  __dirname,
  '../../../../templates/new-environment/template.yaml',
);

describe('templates/new-environment/template.yaml', () => {
  const action = createCreateEnvironmentAction({ environments: {} as any });

  async function load() {
    const text = await readFile(templatePath, 'utf8');
    return { text, template: parse(text) };
  }

  it('is a v1beta3 template with one environments:create step', async () => {
    const { template } = await load();

    expect(template).toMatchObject({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'new-environment' },
      spec: { type: 'environment', owner: expect.stringMatching(/^group:/) },
    });
    expect(template.spec.steps).toEqual([
      expect.objectContaining({ id: 'create', action: action.id }),
    ]);
  });

  it('gives the step only inputs the action declares, all it requires among them', async () => {
    const { template } = await load();
    const schema = action.schema?.input as {
      properties: Record<string, unknown>;
      required?: string[];
    };

    const inputs = Object.keys(template.spec.steps[0].input);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(inputs),
    );
    expect(inputs).toEqual(expect.arrayContaining(schema.required ?? []));
  });

  it('uses only outputs the action declares', async () => {
    const { text } = await load();
    const outputs = Object.keys(
      (action.schema?.output as { properties: Record<string, unknown> })
        .properties,
    );

    const used = [...text.matchAll(/steps\.create\.output\.(\w+)/g)].map(
      ([, name]) => name,
    );
    expect(used).toEqual(
      expect.arrayContaining(['changeUrl', 'entityEnvironmentsPath', 'branch']),
    );
    for (const name of used) {
      expect(outputs).toContain(name);
    }
  });

  it('picks only components with a GitOps location', async () => {
    const { template } = await load();
    const entity = template.spec.parameters[0].properties.entity;

    expect(entity['ui:field']).toBe('EntityPicker');
    expect(entity['ui:options'].catalogFilter).toEqual([
      {
        kind: 'Component',
        'metadata.annotations.stagecraft.io/gitops-location': { exists: true },
      },
    ]);
  });

  it('asks for a DNS label as the name', async () => {
    const { template } = await load();
    const pattern = new RegExp(
      template.spec.parameters[0].properties.name.pattern,
    );

    expect(['qa', 'perf-2', 'a'].every(name => pattern.test(name))).toBe(true);
    expect(
      ['QA', '-qa', 'qa-', 'qa_1', ''].some(name => pattern.test(name)),
    ).toBe(false);
  });
});
