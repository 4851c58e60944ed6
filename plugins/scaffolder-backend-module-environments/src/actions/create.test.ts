import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  NewEnvironmentChange,
  NewEnvironmentPlan,
} from '@stagecraft/plugin-environments-common';
import { EnvironmentsService } from '@stagecraft/plugin-environments-node';
import { createCreateEnvironmentAction } from './create';

const plan: NewEnvironmentPlan = {
  entityRef: 'component:default/catalogue',
  environment: 'qa',
  from: 'staging',
  files: [
    {
      path: 'craftista/catalogue/overlays/qa/kustomization.yaml',
      diff:
        '--- /dev/null\n+++ b/craftista/catalogue/overlays/qa/kustomization.yaml\n' +
        '+namespace: catalogue-qa',
    },
    {
      path: 'craftista/catalogue/overlays/qa/replicas.yaml',
      diff:
        '--- /dev/null\n+++ b/craftista/catalogue/overlays/qa/replicas.yaml\n' +
        '+  replicas: 2',
    },
  ],
  changes: [
    { field: 'namespace', value: 'catalogue-qa' },
    {
      field: 'replicas',
      value: '2',
      application: 'catalogue',
      provenance: {
        file: 'craftista/catalogue/overlays/qa/replicas.yaml',
        path: 'spec.replicas',
        line: 6,
      },
    },
  ],
  target: {
    repository: 'demo',
    branch: 'main',
    baseCommit: '0123456789abcdef0123',
  },
};

const change: NewEnvironmentChange = {
  ...plan,
  branch: 'stagecraft/environment/catalogue-qa',
  commit: { sha: 'c0ffee' },
};

const pullRequest = {
  number: 7,
  url: 'https://github.com/acme/gitops/pull/7',
};

function fakeEnvironments() {
  const createEnvironment = jest.fn(
    async (request: { dryRun?: boolean }): Promise<any> =>
      request.dryRun ? plan : change,
  );
  return {
    getEnvironmentMatrix: jest.fn(),
    getPortfolio: jest.fn(),
    planPromotion: jest.fn(),
    createPromotion: jest.fn(),
    getPromotion: jest.fn(),
    createEnvironment,
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

/** The outputs the action wrote, by name (the last value of each). */
function outputsOf(ctx: { output: jest.Mock }): Record<string, unknown> {
  return Object.fromEntries(ctx.output.mock.calls);
}

describe('environments:create', () => {
  const ana = mockCredentials.user('user:default/ana');

  function setup(
    input: Record<string, unknown> = {},
    options: { isDryRun?: boolean; stepId?: string } = {},
  ) {
    const environments = fakeEnvironments();
    const action = createCreateEnvironmentAction({ environments });
    const logger = mockServices.logger.mock();
    const base = createMockActionContext({
      input: {
        entityRef: 'component:default/catalogue',
        name: 'qa',
        from: 'staging',
        ...input,
      } as any,
      logger,
    });
    const ctx = {
      ...base,
      output: base.output as jest.Mock,
      step: { id: options.stepId ?? 'create', name: 'Create' },
      getInitiatorCredentials: jest.fn(async () => ana),
      isDryRun: options.isDryRun,
    };
    return { environments, action, ctx, logger };
  }

  /** A checkpoint store like the scaffolder's: a key's first result is kept for the task. */
  function checkpointStore() {
    const stored = new Map<string, unknown>();
    return jest.fn(async ({ key, fn }: { key: string; fn: () => any }) => {
      if (!stored.has(key)) {
        stored.set(key, await fn());
      }
      return stored.get(key);
    });
  }

  it('plans on a dry run, logs the diffs and outputs the files', async () => {
    const { environments, action, ctx, logger } = setup(
      {
        entityRef: 'catalogue',
        namespace: 'catalogue-qa',
        replicas: 2,
        cpu: '250m',
        memory: '256Mi',
        memoryLimit: '512Mi',
        host: 'catalogue-qa.example.com',
      },
      { isDryRun: true },
    );

    await action.handler(ctx as any);

    expect(environments.createEnvironment).toHaveBeenCalledTimes(1);
    expect(environments.createEnvironment).toHaveBeenCalledWith(
      {
        entityRef: 'component:default/catalogue',
        name: 'qa',
        from: 'staging',
        namespace: 'catalogue-qa',
        replicas: 2,
        resources: {
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { memory: '512Mi' },
        },
        host: 'catalogue-qa.example.com',
        dryRun: true,
      },
      { credentials: ana },
    );
    expect(outputsOf(ctx)).toEqual({
      files: [
        'craftista/catalogue/overlays/qa/kustomization.yaml',
        'craftista/catalogue/overlays/qa/replicas.yaml',
      ],
      entityEnvironmentsPath:
        '/catalog/default/component/catalogue/environments',
    });
    const logged = logger.info.mock.calls.map(([message]) => message);
    expect(logged).toContain(plan.files[0].diff);
    expect(logged).toContain(plan.files[1].diff);
    expect(logged).toContainEqual(
      expect.stringContaining(
        'catalogue: replicas = 2 in craftista/catalogue/overlays/qa/replicas.yaml:6',
      ),
    );
  });

  it('outputs on a dry run the same files a real run changes', async () => {
    const dry = setup({}, { isDryRun: true });
    const real = setup();

    await dry.action.handler(dry.ctx as any);
    await real.action.handler(real.ctx as any);

    const dryFiles = outputsOf(dry.ctx).files;
    expect(dryFiles).toEqual(change.files.map(file => file.path));
    expect(outputsOf(real.ctx).files).toEqual(dryFiles);
    // Same request, apart from the dry run flag.
    const [[dryRequest]] = dry.environments.createEnvironment.mock.calls;
    const [[realRequest]] = real.environments.createEnvironment.mock.calls;
    expect(dryRequest).toEqual({ ...realRequest, dryRun: true });
  });

  it('creates the environment as the initiator and links to the pull request', async () => {
    const { environments, action, ctx, logger } = setup({
      entityRef: 'Component:default/catalogue',
    });
    environments.createEnvironment.mockResolvedValue({
      ...change,
      commit: {
        sha: 'c0ffee',
        url: 'https://github.com/acme/gitops/commit/c0ffee',
      },
      pullRequest,
    });

    await action.handler(ctx as any);

    expect(ctx.getInitiatorCredentials).toHaveBeenCalled();
    expect(environments.createEnvironment).toHaveBeenCalledWith(
      {
        entityRef: 'component:default/catalogue',
        name: 'qa',
        from: 'staging',
      },
      { credentials: ana },
    );
    expect(outputsOf(ctx)).toEqual({
      files: change.files.map(file => file.path),
      branch: 'stagecraft/environment/catalogue-qa',
      commitSha: 'c0ffee',
      pullRequestUrl: 'https://github.com/acme/gitops/pull/7',
      changeUrl: 'https://github.com/acme/gitops/pull/7',
      entityEnvironmentsPath:
        '/catalog/default/component/catalogue/environments',
    });
    expect(logger.info).toHaveBeenCalledWith(
      'Created environment qa of component:default/catalogue (copied from staging) on branch ' +
        'stagecraft/environment/catalogue-qa (commit c0ffee): https://github.com/acme/gitops/pull/7',
    );
  });

  it('links to the commit without a pull request, and to nothing on plain git', async () => {
    const withCommitUrl = setup();
    withCommitUrl.environments.createEnvironment.mockResolvedValue({
      ...change,
      commit: { sha: 'c0ffee', url: 'https://git.example.com/commit/c0ffee' },
    });
    await withCommitUrl.action.handler(withCommitUrl.ctx as any);
    expect(outputsOf(withCommitUrl.ctx)).toMatchObject({
      changeUrl: 'https://git.example.com/commit/c0ffee',
    });
    expect(outputsOf(withCommitUrl.ctx)).not.toHaveProperty('pullRequestUrl');

    const plainGit = setup({ entityRef: 'group:platform/tools' });
    await plainGit.action.handler(plainGit.ctx as any);
    expect(outputsOf(plainGit.ctx)).toEqual({
      files: change.files.map(file => file.path),
      branch: 'stagecraft/environment/catalogue-qa',
      commitSha: 'c0ffee',
      changeUrl: '',
      entityEnvironmentsPath: '/catalog/platform/group/tools/environments',
    });
  });

  it('leaves blank form fields out of the request', async () => {
    const { environments, action, ctx } = setup({
      namespace: '',
      cpu: ' ',
      memory: '',
      cpuLimit: '2',
      memoryLimit: '',
      host: '',
    });

    await action.handler(ctx as any);

    expect(environments.createEnvironment).toHaveBeenCalledWith(
      {
        entityRef: 'component:default/catalogue',
        name: 'qa',
        from: 'staging',
        resources: { limits: { cpu: '2' } },
      },
      { credentials: ana },
    );
  });

  it('returns the first change when the task step runs again', async () => {
    const { environments, action, ctx } = setup();
    ctx.checkpoint = checkpointStore() as any;
    environments.createEnvironment
      .mockResolvedValueOnce({ ...change, pullRequest })
      .mockRejectedValueOnce(
        await responseError(409, 'component:default/catalogue already has qa'),
      );

    await action.handler(ctx as any);
    const first = outputsOf(ctx);
    ctx.output.mockClear();
    await action.handler(ctx as any);

    expect(environments.createEnvironment).toHaveBeenCalledTimes(1);
    expect(outputsOf(ctx)).toEqual(first);
    expect(first.changeUrl).toBe('https://github.com/acme/gitops/pull/7');
  });

  it('keeps the checkpoints of different steps apart', async () => {
    const checkpoint = checkpointStore();
    const one = setup({}, { stepId: 'create-qa' });
    const two = setup({}, { stepId: 'create-qa-again' });
    one.ctx.checkpoint = checkpoint as any;
    two.ctx.checkpoint = checkpoint as any;

    await one.action.handler(one.ctx as any);
    await two.action.handler(two.ctx as any);

    const keys = checkpoint.mock.calls.map(([{ key }]) => key);
    expect(keys[0]).toMatch(/^environments\.create\.[0-9a-f]{32}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(two.environments.createEnvironment).toHaveBeenCalledTimes(1);
  });

  it('writes nothing on a dry run, not even a checkpoint', async () => {
    const { action, ctx } = setup({}, { isDryRun: true });
    ctx.checkpoint = jest.fn() as any;

    await action.handler(ctx as any);

    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(ctx.output).not.toHaveBeenCalledWith('branch', expect.anything());
  });

  it('turns a 409 from the API into a clear error', async () => {
    const { environments, action, ctx } = setup();
    environments.createEnvironment.mockRejectedValue(
      await responseError(
        409,
        "component:default/catalogue already has an environment 'qa'",
      ),
    );

    const error = await action.handler(ctx as any).catch(e => e);

    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'Creating environment qa of component:default/catalogue (copied from staging): the ' +
        "environment already exists (409): component:default/catalogue already has an environment 'qa'",
    );
    expect(error.cause).toBeInstanceOf(ResponseError);
  });

  it('turns a 403 and a 400 from the API into clear errors', async () => {
    const { environments, action, ctx } = setup();
    environments.createEnvironment.mockRejectedValueOnce(
      await responseError(403, 'Not allowed to add environments to catalogue'),
    );
    const forbidden = await action.handler(ctx as any).catch(e => e);
    expect(forbidden.name).toBe('NotAllowedError');
    expect(forbidden.message).toBe(
      'Creating environment qa of component:default/catalogue (copied from staging): not ' +
        'allowed (403): Not allowed to add environments to catalogue',
    );

    const dry = setup({ from: 'preprod' }, { isDryRun: true });
    dry.environments.createEnvironment.mockRejectedValueOnce(
      await responseError(
        400,
        "No environment 'preprod' to copy; component:default/catalogue has dev, staging",
      ),
    );
    const invalid = await dry.action.handler(dry.ctx as any).catch(e => e);
    expect(invalid.name).toBe('InputError');
    expect(invalid.message).toBe(
      'Planning environment qa of component:default/catalogue (copied from preprod): invalid ' +
        "request (400): No environment 'preprod' to copy; component:default/catalogue has dev, staging",
    );
  });

  it('refuses an invalid entity ref and a name that is not a DNS label', async () => {
    const badRef = setup({ entityRef: 'component:' });
    await expect(badRef.action.handler(badRef.ctx as any)).rejects.toThrow(
      /Invalid entityRef 'component:'/,
    );

    for (const name of ['QA', 'qa_1', '-qa', 'qa-', 'a'.repeat(64), '']) {
      const { environments, action, ctx } = setup({ name });
      await expect(action.handler(ctx as any)).rejects.toThrow(
        `Invalid environment name '${name}'`,
      );
      expect(environments.createEnvironment).not.toHaveBeenCalled();
    }
  });
});
