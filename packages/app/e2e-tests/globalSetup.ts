/**
 * Waits until the demo can be tested: the frontend is up when Playwright's webServer is,
 * but the backend may still be starting, and the catalog still reading the demo's entities.
 */
const backendUrl = process.env.STAGECRAFT_E2E_BACKEND_URL!;
const components = ['catalogue', 'voting'];

async function json(path: string, token?: string): Promise<any> {
  const res = await fetch(`${backendUrl}${path}`, {
    headers: {
      'X-Requested-With': 'XMLHttpRequest',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
  });
  if (!res.ok) {
    throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

async function ready(): Promise<void> {
  const { backstageIdentity } = await json('/api/auth/guest/refresh');
  for (const name of components) {
    await json(
      `/api/catalog/entities/by-name/component/default/${name}`,
      backstageIdentity.token,
    );
    const matrix = await json(
      `/api/environments/entities/component/default/${name}`,
      backstageIdentity.token,
    );
    // Health comes from the cluster stand-in.
    if (!/"(Healthy|Progressing)"/.test(JSON.stringify(matrix))) {
      throw new Error(`${name}: no health from the clusters yet`);
    }
  }
}

export default async function globalSetup() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await ready();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `The demo's backend at ${backendUrl} is not ready (its output: test-results/browser/demo.log): ${error}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
  }
}
