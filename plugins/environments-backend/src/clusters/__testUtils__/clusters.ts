import net from 'node:net';
import { ClusterConfig } from '../ClusterConfig';

/** A cluster for client tests, with a fixed token. */
export function testCluster(
  name: string,
  url: string,
  token: string | undefined = `token-of-${name}`,
): ClusterConfig {
  return {
    name,
    url,
    authProvider: token ? 'serviceAccount' : 'anonymous',
    skipTLSVerify: false,
    getCa: async () => undefined,
    getBearerToken: async () => token,
  };
}

/** A TCP port on loopback that refuses connections. */
export async function refusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(err => (err ? reject(err) : resolve(port)));
    });
  });
}
