import {
  AuditorService,
  AuditorServiceEvent,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { jsonBody, parse } from './parseRequest';
import { publicErrors } from './publicErrors';
import {
  entityParams,
  historyQuery,
  idempotencyKey,
  newEnvironmentRequest,
  portfolioQuery,
  promotionParams,
  promotionRequest,
} from './requestSchemas';
import { MatrixService } from './services/MatrixService';
import { PromotionService } from './services/PromotionService';
import { NewEnvironmentService } from './services/NewEnvironmentService';

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

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  matrix: MatrixService;
  promotions: PromotionService;
  newEnvironments: NewEnvironmentService;
  /** Where the original of an error whose message had to change for callers goes. */
  logger?: LoggerService;
}): Promise<express.Router> {
  const { httpAuth, auditor, matrix, promotions, newEnvironments, logger } =
    options;
  const router = Router();

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const entityRef = parse(
      entityParams,
      req.params,
      'Invalid entity ref',
      'ref',
    );
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
    const query = parse(portfolioQuery, req.query, 'Invalid query', 'query');
    const credentials = await httpAuth.credentials(req);

    const auditorEvent = await auditor.createEvent({
      eventId: 'environment-portfolio-read',
      request: req,
      meta: { query },
    });
    try {
      const result = await matrix.listEnvironmentMatrices(query, {
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
    jsonBody,
    async (req, res) => {
      const entityRef = parse(
        entityParams,
        req.params,
        'Invalid entity ref',
        'ref',
      );
      const request = parse(
        promotionRequest,
        req.body,
        'Invalid promotion',
        'body',
      );
      const key = parse(
        idempotencyKey,
        req.header('idempotency-key'),
        'Invalid request',
        'Idempotency-Key header',
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
      const entityRef = parse(
        entityParams,
        req.params,
        'Invalid entity ref',
        'ref',
      );
      const { environment } = parse(
        historyQuery,
        req.query,
        'Invalid query',
        'query',
      );
      const credentials = await httpAuth.credentials(req);
      res.json(
        await promotions.history(entityRef, { credentials, environment }),
      );
    },
  );

  router.get('/promotions/:id', async (req, res) => {
    const { id } = parse(
      promotionParams,
      req.params,
      'Invalid promotion id',
      'id',
    );
    const credentials = await httpAuth.credentials(req);
    res.json(await promotions.get(id, { credentials }));
  });

  for (const action of ['cancel', 'merge'] as const) {
    router.post(`/promotions/:id/${action}`, async (req, res) => {
      const { id } = parse(
        promotionParams,
        req.params,
        'Invalid promotion id',
        'id',
      );
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
    const { id } = parse(
      promotionParams,
      req.params,
      'Invalid promotion id',
      'id',
    );
    const key = parse(
      idempotencyKey,
      req.header('idempotency-key'),
      'Invalid request',
      'Idempotency-Key header',
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

  router.post('/environments', jsonBody, async (req, res) => {
    const request = parse(
      newEnvironmentRequest,
      req.body,
      'Invalid request',
      'body',
    );
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

  router.use(publicErrors(logger));
  return router;
}
