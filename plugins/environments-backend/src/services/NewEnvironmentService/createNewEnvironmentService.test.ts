import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NewEnvironmentRequest } from '@stagecraft/plugin-environments-common';
import { MatrixService } from '../MatrixService/types';
import { createNewEnvironmentService } from './createNewEnvironmentService';

describe('createNewEnvironmentService', () => {
  const getEntityState = jest.fn();
  const authorizePromotions = jest.fn();
  const service = createNewEnvironmentService({
    matrix: { getEntityState } as unknown as MatrixService,
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    authorizePromotions,
  });
  const perf: NewEnvironmentRequest = {
    entityRef: 'component:default/catalogue',
    name: 'perf',
    from: 'staging',
  };

  it.each([
    [{ namespace: 'craftista\nperf' }, 'namespace'],
    [{ host: 'perf.local\r\nX-Injected: 1' }, 'host'],
    [{ resources: { limits: { memory: '1Gi\n' } } }, 'resources.limits.memory'],
    [{ name: 'Perf_1' }, 'name'],
  ])(
    'refuses %j for callers other than the router, before reading anything',
    async (change, field) => {
      for (const call of [service.plan, service.create]) {
        await expect(
          call({ ...perf, ...change } as NewEnvironmentRequest, {
            credentials: mockCredentials.user(),
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(
            new RegExp(`^Invalid request: ${field.replace(/\./g, '\\.')} must`),
          ),
        });
      }
      expect(getEntityState).not.toHaveBeenCalled();
      expect(authorizePromotions).not.toHaveBeenCalled();
    },
  );
});
