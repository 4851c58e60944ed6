import { createCrashScenario } from '../__testUtils__/crash/crashScenario';

jest.setTimeout(600_000);

const scenario = createCrashScenario('postgres');
beforeAll(() => scenario.setUp());
afterAll(() => scenario.tearDown());

it(`keeps Git and the records in agreement when the backend is killed at each step of a promotion, ${scenario.rounds} times, on PostgreSQL`, async () =>
  expect(await scenario.run()).toEqual({ kills: 4 * scenario.rounds }));
