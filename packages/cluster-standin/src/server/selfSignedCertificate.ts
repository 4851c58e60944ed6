import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/*
 * A self-signed certificate made in memory (ECDSA P-256), so the stand-in
 * can answer HTTPS without openssl: clients such as kubectl only send a
 * bearer token over TLS. Minimal DER encoding of an X.509 v3 certificate.
 */

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  let n = length;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let n = part;
    do {
      chunk.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

function commonName(cn: string): Buffer {
  return sequence(
    set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))),
  );
}

export interface SelfSignedCertificate {
  /** PEM certificate (also the CA to trust). */
  cert: string;
  /** PEM private key (PKCS#8). */
  key: string;
}

/** A certificate for 127.0.0.1 and localhost, valid for a year. */
export function createSelfSignedCertificate(
  commonNameText = 'stagecraft-cluster-standin',
): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  const signatureAlgorithm = sequence(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const subjectAltName = sequence(
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x82, Buffer.from('localhost', 'ascii')),
  );
  const extensions = tlv(
    0xa3,
    sequence(
      sequence(oid('2.5.29.17'), tlv(0x04, subjectAltName)),
      sequence(
        oid('2.5.29.19'),
        tlv(0x01, Buffer.from([0xff])),
        tlv(0x04, sequence(tlv(0x01, Buffer.from([0xff])))),
      ),
      sequence(
        oid('2.5.29.15'),
        tlv(0x01, Buffer.from([0xff])),
        // digitalSignature, keyCertSign
        tlv(0x04, tlv(0x03, Buffer.from([0x02, 0x84]))),
      ),
    ),
  );
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    signatureAlgorithm,
    commonName(commonNameText),
    sequence(
      utcTime(new Date(now - 60 * 60 * 1000)),
      utcTime(new Date(now + 365 * 24 * 3600 * 1000)),
    ),
    commonName(commonNameText),
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(
    tbs,
    signatureAlgorithm,
    tlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trim()}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
