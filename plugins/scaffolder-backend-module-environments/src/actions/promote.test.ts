import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  Promotion,
  PromotionPlan,
  PromotionState,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { createPromoteAction } from './promote';

const entityRef = {
  kind: 'component',
  namespace: 'default',
  name: 'catalogue',
};

const change = {
  application: 'catalogue',
  container: 'api',
  workload: 'Deployment/catalogue-api',
  from: { image: 'ghcr.io/acme/catalogue-api', tag: '2.3.0', digest: null },
  to: { image: 'ghcr.io/acme/catalogue-api', tag: '2.4.0', digest: null },
  provenance: {
    file: 'apps/catalogue/overlays/production/kustomization.yaml',
    path: 'images[0].newTag',
    line: 7,
  },
};

const plan: PromotionPlan = {
  planId: 'plan-1',
  entityRef: 'component:default/catalogue',
  from: 'staging',
  to: 'production',
  version: {
    images: [
      {
        application: 'catalogue',
        container: 'api',
        image: 'ghcr.io/acme/catalogue-api',
        tag: '2.4.0',
        digest: null,
      },
    ],
  },
  changes: [change],
  refusals: [],
  files: [
    {
      path: 'apps/catalogue/overlays/production/kustomization.yaml',
      diff: '-    newTag: 2.3.0\n+    newTag: 2.4.0',
    },
  ],
  gates: [{ gate: 'source-healthy', passed: true, reason: 'Healthy' }],
  method: 'pull-request',
  target: {
    repository: 'github.com/acme/gitops',
    branch: 'main',
    baseCommit: '0123456789abcdef0123',
  },
  permission: { allowed: true },
  executable: true,
};

function promotion(
  state: PromotionState,
  extra: Partial<Promotion> = {},
): Promotion {
  return {
    id: 'promotion-1',
    entityRef: 'component:default/catalogue',
    from: 'staging',
    to: 'production',
    state,
    method: 'pull-request',
    version: plan.version,
    changes: plan.changes,
    files: plan.files,
    gates: plan.gates,
    requestedBy: 'user:default/ana',
    target: plan.target,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    events: [],
    ...extra,
  };
}

function fakeEnvironments() {
  return {
    getEnvironmentMatrix: jest.fn(),
    getPortfolio: jest.fn(),
    planPromotion: jest.fn(async () => plan),
    createPromotion: jest.fn(async () => promotion('planned')),
    getPromotion: jest.fn(async () => promotion('completed')),
    createEnvironment: jest.fn(),
  } satisfies EnvironmentsService;
}

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: 'Error',
        headers: { 'Content-Type': 'application/json' },
      },
    ) as any,
  );
}

describe('environments:promote', () => {
  const ana = mockCredentials.user('user:default/ana');

  function setup(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean } = {},
  ) {
    const environments = fakeEnvironments();
    const action = createPromoteAction({ environments, pollIntervalMs: 1 });
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: {
          entityRef: 'component:default/catalogue',
          from: 'staging',
          to: 'production',
          ...input,
        } as any,
        logger,
      }),
      getInitiatorCredentials: jest.fn(async () => ana),
      isDryRun: options.isDryRun,
    };
    return { environments, action, ctx, logger };
  }

  it('plans on a dry run, logs the diff and writes nothing', async () => {
    const { environments, action, ctx, logger } = setup(
      { entityRef: 'catalogue', note: 'Release 2.4.0' },
      { isDryRun: true },
    );

    await action.handler(ctx as any);

    expect(environments.planPromotion).toHaveBeenCalledWith(
      entityRef,
      { from: 'staging', to: 'production', note: 'Release 2.4.0' },
      { credentials: ana },
    );
    expect(environments.createPromotion).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('planId', 'plan-1');
    expect(ctx.output).toHaveBeenCalledWith('changes', [change]);
    expect(ctx.output).toHaveBeenCalledWith('executable', true);
    expect(ctx.output).not.toHaveBeenCalledWith(
      'promotionId',
      expect.anything(),
    );
    const logged = logger.info.mock.calls.map(([message]) => message);
    expect(logged).toContainEqual(
      expect.stringContaining(
        'catalogue/api (Deployment/catalogue-api): ghcr.io/acme/catalogue-api:2.3.0 → ghcr.io/acme/catalogue-api:2.4.0',
      ),
    );
    expect(logged).toContain('-    newTag: 2.3.0\n+    newTag: 2.4.0');
  });

  it('warns about a plan that cannot be carried out on a dry run', async () => {
    const { environments, action, ctx, logger } = setup({}, { isDryRun: true });
    environments.planPromotion.mockResolvedValue({
      ...plan,
      gates: [
        {
          gate: 'source-healthy',
          passed: false,
          reason: 'staging is Degraded',
        },
      ],
      executable: false,
    });

    await action.handler(ctx as any);

    expect(ctx.output).toHaveBeenCalledWith('executable', false);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'gate source-healthy failed: staging is Degraded',
      ),
    );
  });

  it('executes the plan as the initiator, with the same idempotency key on a re-run', async () => {
    const { environments, action, ctx } = setup({
      version: [
        { application: 'catalogue', container: 'api', tag: '2.4.0' },
        {
          application: 'catalogue',
          container: 'worker',
          image: 'ghcr.io/acme/worker',
          digest: `sha256:${'a'.repeat(64)}`,
        },
      ],
      note: 'Release 2.4.0',
    });
    environments.createPromotion.mockResolvedValue(
      promotion('pending-review', {
        pullRequest: {
          number: 42,
          url: 'https://github.com/acme/gitops/pull/42',
        },
      }),
    );

    await action.handler(ctx as any);
    await action.handler(ctx as any);

    expect(ctx.getInitiatorCredentials).toHaveBeenCalled();
    const version = {
      images: [
        {
          application: 'catalogue',
          container: 'api',
          image: null,
          tag: '2.4.0',
          digest: null,
        },
        {
          application: 'catalogue',
          container: 'worker',
          image: 'ghcr.io/acme/worker',
          tag: null,
          digest: `sha256:${'a'.repeat(64)}`,
        },
      ],
    };
    expect(environments.planPromotion).toHaveBeenCalledWith(
      entityRef,
      { from: 'staging', to: 'production', version, note: 'Release 2.4.0' },
      { credentials: ana },
    );
    expect(environments.createPromotion).toHaveBeenCalledTimes(2);
    const [first, second] = environments.createPromotion.mock.calls as any[];
    expect(first[0]).toEqual(entityRef);
    expect(first[1]).toEqual({
      from: 'staging',
      to: 'production',
      version,
      note: 'Release 2.4.0',
      planId: 'plan-1',
    });
    expect(first[2].credentials).toBe(ana);
    expect(first[2].idempotencyKey).toMatch(/^scaffolder-[0-9a-f]{32}$/);
    expect(second[2].idempotencyKey).toBe(first[2].idempotencyKey);
    expect(environments.getPromotion).not.toHaveBeenCalled();

    expect(ctx.output).toHaveBeenCalledWith('planId', 'plan-1');
    expect(ctx.output).toHaveBeenCalledWith('promotionId', 'promotion-1');
    expect(ctx.output).toHaveBeenCalledWith('state', 'pending-review');
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pull/42',
    );
  });

  it('uses another idempotency key in another task', async () => {
    const one = setup({});
    const two = setup({});
    two.ctx.task = { id: 'another-task-id' };

    await one.action.handler(one.ctx as any);
    await two.action.handler(two.ctx as any);

    const keyOf = (environments: ReturnType<typeof fakeEnvironments>) =>
      (environments.createPromotion.mock.calls[0] as any[])[2].idempotencyKey;
    expect(keyOf(one.environments)).not.toBe(keyOf(two.environments));
  });

  it('runs the creation as a checkpoint', async () => {
    const { environments, action, ctx } = setup({});
    const stored = {
      planId: 'plan-0',
      promotionId: 'promotion-0',
      state: 'pending-review',
    };
    ctx.checkpoint = jest.fn(async () => stored) as any;

    await action.handler(ctx as any);

    expect(environments.createPromotion).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('promotionId', 'promotion-0');
    expect(ctx.output).toHaveBeenCalledWith('planId', 'plan-0');
  });

  it('waits until the promotion is completed', async () => {
    const { environments, action, ctx } = setup({ waitFor: 'completed' });
    environments.getPromotion
      .mockResolvedValueOnce(promotion('pending-review'))
      .mockResolvedValueOnce(promotion('merged'))
      .mockResolvedValueOnce(promotion('syncing'))
      .mockResolvedValueOnce(
        promotion('completed', { commit: { sha: 'abc123' } }),
      );

    await action.handler(ctx as any);

    expect(environments.getPromotion).toHaveBeenCalledTimes(4);
    expect(environments.getPromotion).toHaveBeenCalledWith('promotion-1', {
      credentials: ana,
    });
    expect(ctx.output).toHaveBeenLastCalledWith('commitSha', 'abc123');
    expect(ctx.output).toHaveBeenCalledWith('state', 'completed');
  });

  it('polls every 3 seconds by default', async () => {
    jest.useFakeTimers();
    try {
      const environments = fakeEnvironments();
      const action = createPromoteAction({ environments });
      const ctx = createMockActionContext({
        input: {
          entityRef: 'component:default/catalogue',
          from: 'staging',
          to: 'production',
          waitFor: 'pending-review',
        },
      });
      environments.getPromotion
        .mockResolvedValueOnce(promotion('planned'))
        .mockResolvedValueOnce(promotion('pending-review'));

      const done = action.handler(ctx as any);
      await jest.advanceTimersByTimeAsync(2999);
      expect(environments.getPromotion).toHaveBeenCalledTimes(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(environments.getPromotion).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(3000);
      await done;
      expect(environments.getPromotion).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops waiting for pending-review once past it', async () => {
    const { environments, action, ctx } = setup({ waitFor: 'pending-review' });
    environments.getPromotion.mockResolvedValueOnce(promotion('syncing'));

    await action.handler(ctx as any);

    expect(environments.getPromotion).toHaveBeenCalledTimes(1);
    expect(ctx.output).toHaveBeenCalledWith('state', 'syncing');
  });

  it('does not wait when the promotion is already there', async () => {
    const { environments, action, ctx } = setup({ waitFor: 'pending-review' });
    environments.createPromotion.mockResolvedValue(promotion('pending-review'));

    await action.handler(ctx as any);

    expect(environments.getPromotion).not.toHaveBeenCalled();
  });

  it('throws with the reason of a promotion that failed', async () => {
    const { environments, action, ctx } = setup({ waitFor: 'completed' });
    environments.getPromotion
      .mockResolvedValueOnce(promotion('merged'))
      .mockResolvedValueOnce(
        promotion('failed', { reason: 'production did not become Healthy' }),
      );

    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Promotion promotion-1 failed: production did not become Healthy',
    );
    expect(ctx.output).toHaveBeenCalledWith('state', 'failed');
  });

  it('throws when the promotion was superseded, even without waiting', async () => {
    const { environments, action, ctx } = setup({});
    environments.createPromotion.mockResolvedValue(
      promotion('superseded', { reason: 'a newer promotion replaced it' }),
    );

    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Promotion promotion-1 superseded: a newer promotion replaced it',
    );
  });

  it('gives up after the timeout', async () => {
    const { environments, action, ctx } = setup({
      waitFor: 'completed',
      timeoutMinutes: 0.0005,
    });
    environments.getPromotion.mockResolvedValue(
      promotion('pending-review', {
        pullRequest: {
          number: 42,
          url: 'https://github.com/acme/gitops/pull/42',
        },
      }),
    );

    await expect(action.handler(ctx as any)).rejects.toThrow(
      /^Promotion promotion-1 of component:default\/catalogue from staging to production is still pending-review after 0.0005 minutes \(waiting for completed\): https:\/\/github.com\/acme\/gitops\/pull\/42$/,
    );
    expect(ctx.output).toHaveBeenCalledWith('promotionId', 'promotion-1');
  });

  it('turns a 409 from the API into a clear error', async () => {
    const { environments, action, ctx } = setup({});
    environments.createPromotion.mockRejectedValue(
      await responseError(
        409,
        'Promotion of component:default/catalogue to production is blocked: staging is Degraded',
      ),
    );

    const error = await action.handler(ctx as any).catch(e => e);

    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'Promotion refused (409): Promotion of component:default/catalogue to production is blocked: staging is Degraded',
    );
    expect(error.cause).toBeInstanceOf(ResponseError);
  });

  it('turns a 403 and a 404 from the API into clear errors', async () => {
    const { environments, action, ctx } = setup({});
    environments.planPromotion.mockRejectedValueOnce(
      await responseError(404, 'No environment named prod'),
    );
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Planning the promotion of component:default/catalogue from staging to production: not found (404): No environment named prod',
    );

    environments.createPromotion.mockRejectedValueOnce(
      await responseError(403, 'Not allowed to promote to production'),
    );
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Promoting component:default/catalogue from staging to production: not allowed (403): Not allowed to promote to production',
    );
  });

  it('refuses an invalid entity ref and an image without a version', async () => {
    const invalid = setup({ entityRef: 'component:' });
    await expect(invalid.action.handler(invalid.ctx as any)).rejects.toThrow(
      /Invalid entityRef 'component:'/,
    );

    const { environments, action, ctx } = setup({
      version: [{ application: 'catalogue', container: 'api' }],
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Version of catalogue/api needs a tag or a digest',
    );
    expect(environments.planPromotion).not.toHaveBeenCalled();
  });
});
