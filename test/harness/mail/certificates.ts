/** The instance's self-signed TLS certificate (CN=localhost, SAN localhost + 127.0.0.1). */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { execFileText } from "./processes";

export async function ensureTlsCertificate(dir: string): Promise<void> {
  const cert = path.join(dir, "tls/cert.pem");
  const key = path.join(dir, "tls/key.pem");
  if (fs.existsSync(cert) && fs.existsSync(key)) return;
  await execFileText("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "3650",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  await fsp.chmod(key, 0o600);
  await fsp.chmod(cert, 0o644);
}
