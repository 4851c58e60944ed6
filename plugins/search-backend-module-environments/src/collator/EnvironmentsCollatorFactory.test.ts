import { EnvironmentsCollatorFactory } from './EnvironmentsCollatorFactory';
import { mockServices } from '@backstage/backend-test-utils';
import { TestPipeline } from '@backstage/plugin-search-backend-node';

describe('EnvironmentsCollatorFactory', () => {
  it('returns a collator with the correct type', async () => {
    const factory = EnvironmentsCollatorFactory.fromConfig(mockServices.rootConfig(), {
      logger: mockServices.logger.mock(),
    });

    expect(factory.type).toBe('environments');
  });

  it('runs the collator and returns documents', async () => {
    const factory = EnvironmentsCollatorFactory.fromConfig(mockServices.rootConfig(), {
      logger: mockServices.logger.mock(),
    });

    const collator = await factory.getCollator();
    const { error, documents } = await TestPipeline.fromCollator(collator).execute();

    expect(error).toBeUndefined();
    // TODO: Update this assertion once your collator yields real documents
    expect(documents).toEqual([]);
  });
});
