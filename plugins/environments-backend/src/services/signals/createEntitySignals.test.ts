import { mockServices } from '@backstage/backend-test-utils';
import { createEntitySignals } from './createEntitySignals';

describe('createEntitySignals', () => {
  const logger = mockServices.logger.mock();

  it('broadcasts "changed" on the entity’s channel', async () => {
    const publish = jest.fn(async () => {});
    await createEntitySignals({ signals: { publish }, logger }).changed(
      'component:default/catalogue',
    );
    expect(publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'environments:component:default/catalogue',
      message: { type: 'changed' },
    });
  });

  it('does nothing without a signals service, and logs a failed publish instead of throwing', async () => {
    await expect(
      createEntitySignals({ logger }).changed('component:default/catalogue'),
    ).resolves.toBeUndefined();

    const publish = jest.fn(async () => {
      throw new Error('events bus down');
    });
    await expect(
      createEntitySignals({ signals: { publish }, logger }).changed(
        'component:default/catalogue',
      ),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('events bus down'),
    );
  });
});
