// A real OpenID Connect provider for the tests (the npm package oidc-provider), on 127.0.0.1.
//
//   node tests/oidc/provider.mjs [port]     (port 0 or none: any free port)
//
// Prints "listening on http://127.0.0.1:PORT" once its discovery document is served. Its people
// are in ACCOUNTS below (by username; the provider's subject is their "sub"); any password is
// accepted. A test changes someone's claims with PATCH /test/accounts/USERNAME (a JSON object of
// claims to replace; {} puts them back as below). Two clients: "lms-test" (the LMS under test)
// and "other-client" (a different application, for tokens that are not the LMS's). Redirect URIs
// are accepted on loopback hosts and Django's test client host only.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";

import Provider from "oidc-provider";

export const ACCOUNTS = {
  // An active employee of the tests' roster (employee number E20001).
  ana: {
    sub: "3f6c1d0a-ana",
    employee_number: "e20001", // lower case: matching ignores case
    email: "Ana.Active@cabq.example",
    email_verified: true,
    name: "Name From The Token",
  },
  // Someone else whose token claims Ana's employee number.
  impostor: {
    sub: "9b2e-impostor",
    employee_number: "E20001",
    email: "impostor@cabq.example",
    email_verified: true,
    name: "Impostor",
  },
  // A leaver: the roster deactivated them, the identity provider still signs them in.
  leo: {
    sub: "71aa-leo",
    employee_number: "E20002",
    email: "leo.leaver@cabq.example",
    email_verified: true,
    name: "Leo Leaver",
  },
  // Someone the HR roster does not know.
  uma: {
    sub: "c0de-uma",
    employee_number: "E99999",
    email: "uma.unknown@cabq.example",
    email_verified: true,
    name: "Uma Unknown",
  },
  // Ana's address, not verified by the provider.
  unverified: {
    sub: "5e5e-unverified",
    email: "ana.active@cabq.example",
    email_verified: false,
    name: "Unverified",
  },
};

const ORIGINAL = structuredClone(ACCOUNTS);
const bySubject = (sub) => Object.values(ACCOUNTS).find((account) => account.sub === sub);

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|testserver)(:\d+)?\//;

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(Object.fromEntries(new URLSearchParams(data))));
    req.on("error", reject);
  });
}

function loginForm(uid, error = "") {
  return page(
    "City account sign-in (test provider)",
    `${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}">
<p><label for="login">Username</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"></p>
<button type="submit">Sign in</button></form>`,
  );
}

const port = Number(process.argv[2] || process.env.PORT || 0);
const server = http.createServer();
await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

const SCOPES = "openid email profile employee";
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "lms-test",
      client_secret: "lms-test-secret",
      redirect_uris: ["http://127.0.0.1/accounts/oidc/callback/"],
      post_logout_redirect_uris: ["http://127.0.0.1/"],
      token_endpoint_auth_method: "client_secret_post",
    },
    {
      client_id: "other-client",
      client_secret: "other-client-secret",
      redirect_uris: ["http://127.0.0.1/accounts/oidc/callback/"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  scopes: SCOPES.split(" "),
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    employee: ["employee_number"],
  },
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page(
          "Sign out of your City account (test provider)",
          `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">
Sign out</button>`,
        );
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page("Signed out (test provider)", "<p>You are signed out.</p>");
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // Every grant is given at once: the tests have no consent screen.
  loadExistingGrant: async (ctx) => {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPES);
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, sub) => {
    if (!bySubject(sub)) {
      return undefined;
    }
    return { accountId: sub, claims: async () => ({ ...bySubject(sub) }) };
  },
});
// Django's live server and test client run on ports chosen at run time.
provider.Client.prototype.redirectUriAllowed = (uri) => LOOPBACK.test(uri);
provider.Client.prototype.postLogoutRedirectUriAllowed = (uri) => LOOPBACK.test(uri);

const callback = provider.callback();
async function changeAccount(req, res, login) {
  if (!ORIGINAL[login]) {
    res.statusCode = 404;
    res.end();
    return;
  }
  let data = "";
  for await (const chunk of req) {
    data += chunk;
  }
  const changes = JSON.parse(data || "{}");
  ACCOUNTS[login] = { ...structuredClone(ORIGINAL[login]), ...changes, sub: ORIGINAL[login].sub };
  res.statusCode = 204;
  res.end();
}

server.on("request", async (req, res) => {
  const test = /^\/test\/accounts\/([\w-]+)$/.exec(req.url);
  if (test && req.method === "PATCH") {
    await changeAccount(req, res, test[1]);
    return;
  }
  const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split("?")[0]);
  if (!match) {
    callback(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    if (req.method === "POST") {
      const form = await readForm(req);
      if (!ACCOUNTS[form.login] || !form.password) {
        res.statusCode = 200;
        res.end(loginForm(details.uid, "Unknown username or password."));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: ACCOUNTS[form.login].sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.end(loginForm(details.uid));
  } catch (error) {
    res.statusCode = 400;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end(String(error));
  }
});

console.log(`listening on ${issuer}`);
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
