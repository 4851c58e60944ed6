import {
  AuditorService,
  AuditorServiceEvent,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import { MatrixService } from './services/MatrixService';
import { PromotionService } from './services/PromotionService';
import { NewEnvironmentService } from './services/NewEnvironmentService';

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

const name = z.string().min(1).max(63);

const imageVersion = z.object({
  application: z.string().min(1).max(253),
  container: z.string().min(1).max(253),
  image: z.string().max(512).nullable().default(null),
  tag: z.string().max(128).nullable(),
  digest: z.string().max(256).nullable(),
});

const promotionRequest = z
  .object({
    from: name,
    to: name,
    version: z
      .object({ images: z.array(imageVersion).min(1).max(100) })
      .strict()
      .optional(),
    dryRun: z.boolean().optional(),
    note: z.string().max(2000).optional(),
    planId: z
      .string()
      .regex(/^plan-[0-9a-f]{32}$/)
      .optional(),
  })
  .strict();

const quantities = z
  .object({
    cpu: z.string().min(1).max(32).optional(),
    memory: z.string().min(1).max(32).optional(),
  })
  .strict();

const newEnvironmentRequest = z
  .object({
    entityRef: refText,
    name,
    from: name,
    namespace: z.string().min(1).max(63).optional(),
    replicas: z.number().int().min(0).max(1000).optional(),
    resources: z
      .object({
        requests: quantities.optional(),
        limits: quantities.optional(),
      })
      .strict()
      .optional(),
    host: z.string().min(1).max(253).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

const historyQuery = z.object({ environment: name.optional() });

const promotionParams = z.object({ id: z.string().uuid() });

// A client's retry token: printable ASCII, as the IETF Idempotency-Key draft has it.
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/)
  .optional();

function parse<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  prefix: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw inputError(prefix, parsed.error);
  }
  return parsed.data;
}

/** Runs an action as an auditor event that succeeds or fails with it. */
async function audited<T>(
  event: Promise<AuditorServiceEvent>,
  action: () => Promise<T>,
  meta?: (result: T) => JsonObject,
): Promise<T> {
  const auditorEvent = await event;
  try {
    const result = await action();
    await auditorEvent.success(meta ? { meta: meta(result) } : undefined);
    return result;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

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
  promotions: PromotionService;
  newEnvironments: NewEnvironmentService;
}): Promise<express.Router> {
  const { httpAuth, auditor, matrix, promotions, newEnvironments } = options;
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

  router.post(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const entityRef = parse(entityParams, req.params, 'Invalid entity ref');
      const request = parse(promotionRequest, req.body, 'Invalid promotion');
      const key = parse(
        idempotencyKey,
        req.header('idempotency-key'),
        'Invalid Idempotency-Key header',
      );
      const credentials = await httpAuth.credentials(req);

      if (request.dryRun) {
        const plan = await promotions.plan(entityRef, request, { credentials });
        res.json(plan);
        return;
      }
      const result = await audited(
        auditor.createEvent({
          eventId: 'promotion-create',
          severityLevel: 'medium',
          request: req,
          meta: {
            entityRef,
            from: request.from,
            to: request.to,
            planId: request.planId,
          },
        }),
        () =>
          promotions.create(entityRef, request, {
            credentials,
            idempotencyKey: key,
          }),
        ({ promotion, created }) => ({
          promotionId: promotion.id,
          state: promotion.state,
          replayed: !created,
        }),
      );
      if (!result.created) {
        res.setHeader('Idempotent-Replayed', 'true');
      }
      res.status(result.created ? 201 : 200).json(result.promotion);
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const entityRef = parse(entityParams, req.params, 'Invalid entity ref');
      const { environment } = parse(historyQuery, req.query, 'Invalid query');
      const credentials = await httpAuth.credentials(req);
      res.json(
        await promotions.history(entityRef, { credentials, environment }),
      );
    },
  );

  router.get('/promotions/:id', async (req, res) => {
    const { id } = parse(promotionParams, req.params, 'Invalid promotion id');
    const credentials = await httpAuth.credentials(req);
    res.json(await promotions.get(id, { credentials }));
  });

  for (const action of ['cancel', 'merge'] as const) {
    router.post(`/promotions/:id/${action}`, async (req, res) => {
      const { id } = parse(promotionParams, req.params, 'Invalid promotion id');
      const credentials = await httpAuth.credentials(req);
      const promotion = await audited(
        auditor.createEvent({
          eventId: `promotion-${action}`,
          severityLevel: 'medium',
          request: req,
          meta: { promotionId: id },
        }),
        () => promotions[action](id, { credentials }),
        result => ({ state: result.state }),
      );
      res.json(promotion);
    });
  }

  router.post('/promotions/:id/retry', async (req, res) => {
    const { id } = parse(promotionParams, req.params, 'Invalid promotion id');
    const key = parse(
      idempotencyKey,
      req.header('idempotency-key'),
      'Invalid Idempotency-Key header',
    );
    const credentials = await httpAuth.credentials(req);
    const result = await audited(
      auditor.createEvent({
        eventId: 'promotion-retry',
        severityLevel: 'medium',
        request: req,
        meta: { promotionId: id },
      }),
      () => promotions.retry(id, { credentials, idempotencyKey: key }),
      ({ promotion, created }) => ({
        promotionId: promotion.id,
        state: promotion.state,
        replayed: !created,
      }),
    );
    res.status(result.created ? 201 : 200).json(result.promotion);
  });

  router.post('/environments', async (req, res) => {
    const request = parse(newEnvironmentRequest, req.body, 'Invalid request');
    const credentials = await httpAuth.credentials(req);
    if (request.dryRun) {
      res.json(await newEnvironments.plan(request, { credentials }));
      return;
    }
    const change = await audited(
      auditor.createEvent({
        eventId: 'environment-create',
        severityLevel: 'medium',
        request: req,
        meta: {
          entityRef: request.entityRef,
          environment: request.name,
          from: request.from,
        },
      }),
      () => newEnvironments.create(request, { credentials }),
      result => ({ branch: result.branch, commit: result.commit.sha }),
    );
    res.status(201).json(change);
  });

  return router;
}
