import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { MatrixService } from './services/MatrixService';

// Kind, namespace and name as the catalog allows them (letters, digits, '-', '_', '.').
const refPart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a catalog name');

const entityParams = z.object({
  kind: refPart,
  namespace: refPart,
  name: refPart,
});

const refText = z.string().min(1).max(512);

const portfolioQuery = z.object({
  owner: refText.optional(),
  system: refText.optional(),
  kind: refPart.optional(),
  cursor: z.string().min(1).max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

function inputError(prefix: string, error: z.ZodError): InputError {
  return new InputError(
    `${prefix}: ${error.issues
      .map(issue => `${issue.path.join('.')} ${issue.message}`)
      .join('; ')}`,
  );
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  matrix: MatrixService;
}): Promise<express.Router> {
  const { httpAuth, auditor, matrix } = options;
  const router = Router();
  router.use(express.json());

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const parsed = entityParams.safeParse(req.params);
    if (!parsed.success) {
      throw inputError('Invalid entity ref', parsed.error);
    }
    const entityRef = parsed.data;
    const credentials = await httpAuth.credentials(req);

    const auditorEvent = await auditor.createEvent({
      eventId: 'environment-matrix-read',
      request: req,
      meta: { entityRef },
    });
    try {
      const result = await matrix.getEnvironmentMatrix(entityRef, {
        credentials,
      });
      await auditorEvent.success();
      res.json(result);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/entities', async (req, res) => {
    const parsed = portfolioQuery.safeParse(req.query);
    if (!parsed.success) {
      throw inputError('Invalid query', parsed.error);
    }
    const credentials = await httpAuth.credentials(req);

    const auditorEvent = await auditor.createEvent({
      eventId: 'environment-portfolio-read',
      request: req,
      meta: { query: parsed.data },
    });
    try {
      const result = await matrix.listEnvironmentMatrices(parsed.data, {
        credentials,
      });
      await auditorEvent.success({ meta: { items: result.items.length } });
      res.json(result);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
