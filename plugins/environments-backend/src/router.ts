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
      throw new InputError(
        `Invalid entity ref: ${parsed.error.issues
          .map(issue => `${issue.path.join('.')} ${issue.message}`)
          .join('; ')}`,
      );
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

  return router;
}
