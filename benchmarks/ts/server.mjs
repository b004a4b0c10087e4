// The FastMCP TypeScript peer: the same `add` tool over httpStream, optionally behind an HS256 bearer check.
// node server.mjs <port> <none|hs256> <dir>   (hs256 writes a token to <dir>/token)
import { writeFileSync } from "node:fs";
import { FastMCP } from "fastmcp";
import { SignJWT, jwtVerify } from "jose";
import { z } from "zod";

const [port, mode = "none", dir = "."] = process.argv.slice(2);
const issuer = "https://bench.example";
const audience = `http://127.0.0.1:${port}/mcp`;
const secret = crypto.getRandomValues(new Uint8Array(32));

const unauthorized = () => new Response(null, { status: 401, statusText: "Unauthorized" });

async function authenticate(request) {
  const header = request.headers.authorization ?? "";
  if (!header.startsWith("Bearer ")) {
    throw unauthorized();
  }
  try {
    const { payload } = await jwtVerify(header.slice(7), secret, { issuer, audience, algorithms: ["HS256"] });
    return { sub: payload.sub };
  } catch {
    throw unauthorized();
  }
}

const server = new FastMCP({
  name: "bench-ts",
  version: "1.0.0",
  ...(mode === "hs256" ? { authenticate } : {}),
});

server.addTool({
  name: "add",
  description: "Adds two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => String(a + b),
});

if (mode === "hs256") {
  const token = await new SignJWT({ scope: "mcp" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject("bench-user")
    .setIssuedAt()
    .setExpirationTime("6h")
    .sign(secret);
  writeFileSync(`${dir}/token`, token);
}

await server.start({
  transportType: "httpStream",
  httpStream: { host: "127.0.0.1", port: Number(port), endpoint: "/mcp" },
});
console.log("ready");
