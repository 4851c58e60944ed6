import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const spec = parse(
  fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

// OpenAPI 3.0 schemas: `nullable` is a keyword, formats are informative.
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  formats: {
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  },
});
ajv.addSchema({ ...spec, $id: 'openapi' });

/** Asserts that a response body conforms to a component schema of `openapi.yaml`. */
export function expectToMatchSpec(body: unknown, schema: string) {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
  if (!validate) {
    throw new Error(`openapi.yaml has no schema ${schema}`);
  }
  if (!validate(body)) {
    throw new Error(
      `The response does not conform to ${schema} in openapi.yaml:\n${ajv.errorsText(
        validate.errors,
        { separator: '\n' },
      )}`,
    );
  }
}

/** The paths and methods `openapi.yaml` declares, e.g. `GET /entities`. */
export function specOperations(): string[] {
  return Object.entries(spec.paths as Record<string, object>).flatMap(
    ([route, operations]) =>
      Object.keys(operations).map(method => `${method.toUpperCase()} ${route}`),
  );
}
