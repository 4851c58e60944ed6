import { ConflictError, InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { publicError, publicErrors, withoutMachinePaths } from './publicErrors';

describe('withoutMachinePaths', () => {
  it.each([
    [
      "git clone failed: fatal: repository '/tmp/stagecraft-demo-git-x1/origin' does not exist",
      "git clone failed: fatal: repository '<path>' does not exist",
    ],
    [
      'fatal: could not read /home/backstage/.cache/stagecraft/abc/HEAD: No such file',
      'fatal: could not read <path>: No such file',
    ],
    [
      "ENOENT: no such file or directory, open '/work/data/x.yaml'",
      "ENOENT: no such file or directory, open '<path>'",
    ],
    ['cloning file:///srv/git/gitops.git', 'cloning <path>'],
    ['cannot open C:\\data\\gitops\\x', 'cannot open <path>'],
    ['fatal: /tmp', 'fatal: <path>'],
  ])('replaces the path in %j', (message, expected) => {
    expect(withoutMachinePaths(message)).toBe(expected);
  });

  it.each([
    'No environment qa in component:default/catalogue',
    'craftista/catalogue/overlays/perf/kustomization.yaml changed',
    'Repository https://github.com/org/gitops/tree/main could not be read',
    'Branch stagecraft/promotion/catalogue-staging already exists',
    'dev / staging',
  ])('leaves %j as it is', message => {
    expect(withoutMachinePaths(message)).toBe(message);
  });
});

describe('publicError', () => {
  it('keeps the name and status, replaces paths and drops everything else', () => {
    const gitError = Object.assign(
      new Error("git fetch failed: fatal: '/tmp/x/origin' is not a repo"),
      { name: 'GitError', stdout: Buffer.from('/tmp/x'), exitCode: 128 },
    );
    const result = publicError(gitError) as Error;
    expect(result.name).toBe('GitError');
    expect(result.message).toBe(
      "git fetch failed: fatal: '<path>' is not a repo",
    );
    expect(Object.keys(result)).toEqual(['name']);
    expect(result.stack).not.toContain('/tmp/x/origin');

    const conflict = publicError(
      new ConflictError('Branch x exists', new Error('/tmp/a/b')),
    ) as Error;
    expect(conflict.name).toBe('ConflictError');
    expect((conflict as any).cause).toBeUndefined();

    const tooLarge = publicError(
      Object.assign(new Error('too large'), { status: 413, body: 'x' }),
    );
    expect({ ...(tooLarge as object) }).toEqual({
      name: 'Error',
      statusCode: 413,
    });
    // Backstage's handler hides a database's errors by their constructor: keep it.
    class DatabaseError extends Error {}
    const databaseError = new DatabaseError('insert into "promotions" …');
    expect(publicError(databaseError)).toBe(databaseError);
    expect(publicError(new InputError('bad'))).toMatchObject({
      name: 'InputError',
      message: 'bad',
    });
  });
});

describe('publicErrors', () => {
  it('hands on the public error, and logs the original when its message changed', () => {
    const logger = mockServices.logger.mock();
    const next = jest.fn();
    const req = { method: 'POST', originalUrl: '/environments' } as any;
    const handler = publicErrors(logger);

    handler(new Error("fatal: '/tmp/x/origin' is gone"), req, {} as any, next);
    expect(next).toHaveBeenCalledWith(
      expect.objectContaining({ message: "fatal: '<path>' is gone" }),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      "POST /environments failed: Error: fatal: '/tmp/x/origin' is gone",
    );

    handler(new InputError('bad'), req, {} as any, next);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});
