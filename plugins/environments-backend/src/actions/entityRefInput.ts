import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z as zod } from 'zod/v3';

/** The `entityRef` input of the actions that read one entity. */
export function entityRefInput(z: typeof zod) {
  return z
    .string()
    .min(1)
    .max(512)
    .describe('The entity, e.g. component:default/catalogue');
}

/** The entity an action's `entityRef` names (kind `component` when left out); 400 naming the field. */
export function parseEntityRefInput(text: string): CompoundEntityRef {
  try {
    return parseEntityRef(text, { defaultKind: 'component' });
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
}
