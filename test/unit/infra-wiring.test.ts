/**
 * Wiring of the production stack: runs sst.config.ts's app() and run() for real, with
 * recording stand-ins for the globals SST provides (`sst`, `aws`, `$app`, `$interpolate`,
 * `$config`, `$dev`). Pulumi cannot run offline, so this is the one place a stand-in is right;
 * `npm run check:infra` separately type-checks the same file against SST's real types.
 *
 * Every stand-in value is a "ref": a proxy that records what is done with it. `new
 * sst.aws.Queue("SyncQueue", args)` records a component and returns the ref "SyncQueue";
 * `queue.arn` is the ref "SyncQueue.arn"; `queue.subscribe(...)` records a call and returns
 * "SyncQueue.subscribe()". Recorded arguments are copied as plain data with each ref replaced by
 * `{ $ref: label }`, so they compare and print like ordinary objects.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { describe, it, expect } from "vitest";
import * as securityHeaders from "../../core/shared/security-headers";
import * as envConfig from "../../core/shared/config";
import * as alarmRules from "../../core/monitoring/alarm-rules";

const CONFIG = fileURLToPath(new URL("../../sst.config.ts", import.meta.url));
const APP = "crm-mail-sync";

// ---------------------------------------------------------------------------------------------
// Recording stand-ins

const LABEL = Symbol("ref label");

interface Ref {
  $ref: string;
}
interface ComponentRecord {
  type: string;
  name: string;
  args: any;
}
interface CallRecord {
  on: string;
  method: string;
  args: any[];
}
interface Recording {
  components: ComponentRecord[];
  calls: CallRecord[];
}

const ref = (label: string): Ref => ({ $ref: label });
const isRef = (value: unknown): boolean =>
  (typeof value === "function" || (typeof value === "object" && value !== null)) && typeof (value as Record<symbol, unknown>)[LABEL] === "string";

/** Copies recorded arguments as plain data: refs become `{ $ref }`, functions stay as they are. */
function snapshot(value: unknown): any {
  if (isRef(value)) return ref((value as Record<symbol, string>)[LABEL]!);
  if (Array.isArray(value)) return value.map(snapshot);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  return value;
}

/** Properties that test tooling probes on any object; a ref must not pretend to have them. */
const NOT_PROPS = new Set(["then", "toJSON", "asymmetricMatch", "$$typeof", "nodeType", "@@__IMMUTABLE_ITERABLE__@@"]);

function makeRef(rec: Recording, label: string, parent?: string, prop?: string): any {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === LABEL) return label;
      if (key === Symbol.toPrimitive) return () => `\${${label}}`;
      if (typeof key === "symbol" || NOT_PROPS.has(key)) return undefined;
      return makeRef(rec, `${label}.${key}`, label, key);
    },
    apply(_t, _this, args: unknown[]) {
      rec.calls.push({ on: parent ?? label, method: prop ?? "(call)", args: args.map(snapshot) });
      return makeRef(rec, `${label}()`);
    },
    construct(_t, args: unknown[]) {
      const [name, componentArgs] = args;
      if (typeof name !== "string") throw new Error(`new ${label}(): the first argument must be a name`);
      rec.components.push({ type: label, name, args: snapshot(componentArgs ?? {}) });
      return makeRef(rec, name);
    },
  });
}

interface Evaluation extends Recording {
  app: any;
  outputs: any;
}

/**
 * Evaluates sst.config.ts: app({ stage }), then run() with $app built from app()'s answer.
 * `env` is the whole process.env the config sees (nothing leaks in from the test runner).
 */
async function evaluate(options: { stage?: string; env?: Record<string, string> } = {}): Promise<Evaluation> {
  const stage = options.stage ?? "test";
  const { code } = transformSync(readFileSync(CONFIG, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: CONFIG,
    // run()'s `await import("./core/...")` becomes a require, answered below with the real module
    supported: { "dynamic-import": false },
  });
  const rec: Recording = { components: [], calls: [] };
  const $app: Record<string, unknown> = {};
  const $interpolate = (strings: TemplateStringsArray, ...values: unknown[]) => strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const module = { exports: {} as Record<string, any> };
  // $resolve(x).apply(f): what a transform does with an Input; here Inputs are plain values
  const $resolve = (value: unknown) => ({ apply: (f: (v: unknown) => unknown) => f(value) });
  const modules: Record<string, unknown> = { "./core/shared/security-headers": securityHeaders, "./core/shared/config": envConfig, "./core/monitoring/alarm-rules": alarmRules };
  const require = (id: string) => {
    if (!(id in modules)) throw new Error(`sst.config.ts imports ${id}, which this test does not provide`);
    return modules[id];
  };
  const factory = new Function("module", "exports", "require", "sst", "aws", "$app", "$interpolate", "$resolve", "$config", "$dev", "process", code);
  factory(module, module.exports, require, makeRef(rec, "sst"), makeRef(rec, "aws"), $app, $interpolate, $resolve, (config: unknown) => config, false, { env: { ...options.env } });
  const config = module.exports.default;
  const app = await config.app({ stage });
  Object.assign($app, { removal: "retain", protect: false, ...app, stage });
  const outputs = snapshot(await config.run());
  return { ...rec, app, outputs };
}

// ---------------------------------------------------------------------------------------------
// Views over a recording

const components = (e: Recording, type: string) => e.components.filter((c) => c.type === type);

function component(e: Recording, type: string, name: string): ComponentRecord {
  const found = e.components.find((c) => c.type === type && c.name === name);
  if (!found) throw new Error(`no ${type} named "${name}" (have: ${e.components.map((c) => `${c.type} ${c.name}`).join(", ")})`);
  return found;
}

interface FunctionDef {
  /** Where the function is defined, e.g. "SyncQueue.subscribe()" or "SyncSchedule". */
  where: string;
  args: any;
  /** Refs that name the deployed Lambda function (what an Errors alarm's FunctionName is). */
  nameRefs: string[];
}

/** Every Lambda function the stack defines, wherever its args are given. */
function functionDefs(e: Recording): FunctionDef[] {
  const defs: FunctionDef[] = [];
  const add = (where: string, def: unknown, nameRefs: string[]) => {
    // A ref is an existing function's ARN, defined (and counted) where it was created.
    if (def && typeof def === "object" && "$ref" in def) return;
    if (typeof def === "string") throw new Error(`${where}: give full function args, not just "${def}" (runtime, architecture, environment)`);
    defs.push({ where, args: def, nameRefs });
  };
  for (const f of components(e, "sst.aws.Function")) add(f.name, f.args, [`${f.name}.name`]);
  for (const c of components(e, "sst.aws.Cron")) {
    const def = c.args.function ?? c.args.job;
    if (def !== undefined) add(c.name, def, [`${c.name}.nodes.function.name`, `${c.name}.nodes.job.name`]);
  }
  for (const call of e.calls) {
    if (call.method === "subscribe") add(`${call.on}.subscribe()`, call.args[0], [`${call.on}.subscribe().nodes.function.name`]);
    if (call.method === "route" && components(e, "sst.aws.ApiGatewayV2").some((a) => a.name === call.on))
      add(`${call.on}.route(${call.args[0]})`, call.args[1], [`${call.on}.route().nodes.function.name`]);
  }
  return defs;
}

function functionByHandler(e: Recording, handler: string): FunctionDef {
  const found = functionDefs(e).filter((d) => d.args.handler === handler);
  expect(
    found.map((d) => d.where),
    `functions with handler ${handler}`,
  ).toHaveLength(1);
  return found[0]!;
}

const secretsPermissions = (def: FunctionDef) =>
  ((def.args.permissions ?? []) as { actions: string[]; resources: unknown[] }[]).filter((p) => p.actions.some((a) => a.toLowerCase().startsWith("secretsmanager:")));

const alarms = (e: Recording) => components(e, "aws.cloudwatch.MetricAlarm");

// ---------------------------------------------------------------------------------------------

describe("sst.config.ts app()", () => {
  it("retains and protects the prod stage only", async () => {
    // Prepare / Act
    const prod = await evaluate({ stage: "prod" });
    const dev = await evaluate({ stage: "dev" });
    // Assess
    expect(prod.app).toMatchObject({ name: APP, home: "aws", removal: "retain", protect: true });
    expect(dev.app).toMatchObject({ name: APP, home: "aws", removal: "remove", protect: false });
  });
});

describe("sst.config.ts run()", () => {
  it("keys both tables by pk/sk with gsi1 and an expiresAt TTL, deletion-protected in prod", async () => {
    const prod = await evaluate({ stage: "prod" });
    const dev = await evaluate({ stage: "dev" });
    for (const name of ["Main", "Mail"]) {
      const table = component(prod, "sst.aws.Dynamo", name);
      expect(table.args).toMatchObject({
        fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
        primaryIndex: { hashKey: "pk", rangeKey: "sk" },
        globalIndexes: { gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" } },
        ttl: "expiresAt",
        deletionProtection: true,
      });
      expect(component(dev, "sst.aws.Dynamo", name).args.deletionProtection).toBeFalsy();
    }
  });

  it("sends a sync job to the dead-letter queue after 3 receives", async () => {
    const e = await evaluate();
    const queue = component(e, "sst.aws.Queue", "SyncQueue");
    component(e, "sst.aws.Queue", "SyncDeadLetterQueue");
    expect(queue.args.dlq).toEqual({ queue: ref("SyncDeadLetterQueue.arn"), retry: 3 });
  });

  it("consumes SyncQueue with functions/sync.handler in batches with partial responses", async () => {
    const e = await evaluate();
    const subscribe = e.calls.filter((c) => c.on === "SyncQueue" && c.method === "subscribe");
    expect(subscribe).toHaveLength(1);
    const [fn, args] = subscribe[0]!.args;
    expect(fn.handler).toBe("functions/sync.handler");
    expect(args.batch.partialResponses).toBe(true);
    // The queue must hide a message for longer than the function may run with it.
    const visibility = component(e, "sst.aws.Queue", "SyncQueue").args.visibilityTimeout;
    expect(toSeconds(visibility)).toBeGreaterThan(toSeconds(fn.timeout));
  });

  it("delivers webhooks from WebhookQueue with functions/webhooks.handler, dead-lettered after 5 receives, queued by the sync and the API", async () => {
    const e = await evaluate();
    expect(component(e, "sst.aws.Queue", "WebhookQueue").args.dlq).toEqual({ queue: ref("WebhookDeadLetterQueue.arn"), retry: 5 });
    const subscribe = e.calls.filter((c) => c.on === "WebhookQueue" && c.method === "subscribe");
    expect(subscribe).toHaveLength(1);
    const [fn, args] = subscribe[0]!.args;
    expect(fn.handler).toBe("functions/webhooks.handler");
    expect(args.batch.partialResponses).toBe(true);
    expect(toSeconds(component(e, "sst.aws.Queue", "WebhookQueue").args.visibilityTimeout)).toBeGreaterThan(toSeconds(fn.timeout));
    // core/runtime's linkedWebhookQueue() reads the link in each function that queues or delivers events
    for (const handler of ["functions/sync.handler", "functions/api.handler", "functions/webhooks.handler"])
      expect(functionByHandler(e, handler).args.link, handler).toContainEqual(ref("WebhookQueue"));
    expect(alarms(e).map((a) => a.args)).toContainEqual(
      expect.objectContaining({ metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: ref("WebhookDeadLetterQueue.nodes.queue.name") }, threshold: 0 }),
    );
  });

  it("delivers composed mail from SendQueue with functions/send.handler, dead-lettered after 6 receives, queued by the API, attachments in a bucket both reach", async () => {
    const e = await evaluate();
    expect(component(e, "sst.aws.Queue", "SendQueue").args.dlq).toEqual({ queue: ref("SendDeadLetterQueue.arn"), retry: 6 });
    const subscribe = e.calls.filter((c) => c.on === "SendQueue" && c.method === "subscribe");
    expect(subscribe).toHaveLength(1);
    const fn = functionByHandler(e, "functions/send.handler");
    expect(subscribe[0]!.args[1]).toMatchObject({ batch: { partialResponses: true } });
    expect(toSeconds(component(e, "sst.aws.Queue", "SendQueue").args.visibilityTimeout)).toBeGreaterThan(toSeconds(fn.args.timeout));
    // core/runtime's linkedSendQueue() and attachmentStore() read these links
    for (const handler of ["functions/api.handler", "functions/send.handler"]) {
      expect(functionByHandler(e, handler).args.link, handler).toContainEqual(ref("SendQueue"));
      expect(functionByHandler(e, handler).args.link, handler).toContainEqual(ref("AttachmentBucket"));
    }
    expect(alarms(e).some((a) => isSameRef(a.args.dimensions?.QueueName, ref("SendDeadLetterQueue.nodes.queue.name")))).toBe(true);
  });

  it("fans out every 5 minutes by default, and at SYNC_INTERVAL_MINUTES when set", async () => {
    const byDefault = component(await evaluate(), "sst.aws.Cron", "SyncSchedule");
    const every15 = await evaluate({ env: { SYNC_INTERVAL_MINUTES: "15" } });
    const every1 = component(await evaluate({ env: { SYNC_INTERVAL_MINUTES: "1" } }), "sst.aws.Cron", "SyncSchedule");

    expect(byDefault.args.schedule).toBe("rate(5 minutes)");
    expect((byDefault.args.function ?? byDefault.args.job).handler).toBe("functions/fanout.handler");
    expect(component(every15, "sst.aws.Cron", "SyncSchedule").args.schedule).toBe("rate(15 minutes)");
    // EventBridge rejects "rate(1 minutes)": the unit must be singular for 1.
    expect(every1.args.schedule).toBe("rate(1 minute)");
    // The functions see the same interval as the schedule (the fan-out's due rule uses it).
    for (const def of functionDefs(every15)) expect(def.args.environment.SYNC_INTERVAL_MINUTES).toBe("15");
  });

  it.each(["0", "61", "2.5", "five"])("refuses SYNC_INTERVAL_MINUTES=%s", async (value) => {
    await expect(evaluate({ env: { SYNC_INTERVAL_MINUTES: value } })).rejects.toThrow(/SYNC_INTERVAL_MINUTES/);
  });

  it("runs functions/monitor.handler from MonitorSchedule", async () => {
    const cron = component(await evaluate(), "sst.aws.Cron", "MonitorSchedule");
    expect((cron.args.function ?? cron.args.job).handler).toBe("functions/monitor.handler");
    expect(cron.args.schedule).toMatch(/^(rate|cron)\(/);
  });

  it("defines exactly the api, sync, fanout, monitor, webhooks and send functions, all nodejs24.x on arm64", async () => {
    const defs = functionDefs(await evaluate());
    expect(defs.map((d) => d.args.handler).sort()).toEqual([
      "functions/api.handler",
      "functions/fanout.handler",
      "functions/monitor.handler",
      "functions/send.handler",
      "functions/sync.handler",
      "functions/webhooks.handler",
    ]);
    for (const def of defs) {
      expect(def.args.runtime, def.where).toBe("nodejs24.x");
      expect(def.args.architecture, def.where).toBe("arm64");
    }
  });

  it("links every function to the tables and the queue that core/runtime reads at cold start", async () => {
    const e = await evaluate();
    for (const def of functionDefs(e)) expect(def.args.link, def.where).toEqual(expect.arrayContaining([ref("Main"), ref("Mail"), ref("SyncQueue")]));
    expect(functionByHandler(e, "functions/api.handler").args.link).toEqual(expect.arrayContaining([ref("AdminEmail"), ref("AdminPassword"), ref("AlertTopic")]));
    expect(component(e, "sst.Secret", "AdminEmail")).toBeDefined();
    expect(component(e, "sst.Secret", "AdminPassword")).toBeDefined();
  });

  it("scopes Secrets Manager permissions to the app/stage prefix the functions use", async () => {
    for (const stage of ["dev", "prod"]) {
      const e = await evaluate({ stage });
      const prefix = `${APP}/${stage}/`;
      for (const def of functionDefs(e)) {
        expect(def.args.environment, def.where).toMatchObject({ SECRET_BACKEND: "aws", SECRET_PREFIX: prefix });
        for (const permission of secretsPermissions(def))
          for (const resource of permission.resources) {
            expect(typeof resource, def.where).toBe("string");
            expect(resource, def.where).toMatch(/^arn:/);
            // the whole prefix, or names under it (the monitor's notification password and mailbox secrets)
            expect(resource, def.where).toMatch(new RegExp(`:secretsmanager:[^:]+:[^:]+:secret:${escape(prefix)}(notifications/smtp|mailbox/)?\\*$`));
          }
      }
      // api stores and deletes mailbox passwords; sync reads them.
      const api = secretsPermissions(functionByHandler(e, "functions/api.handler")).flatMap((p) => p.actions);
      expect(api).toEqual(expect.arrayContaining(["secretsmanager:GetSecretValue", "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret"]));
      const sync = secretsPermissions(functionByHandler(e, "functions/sync.handler")).flatMap((p) => p.actions);
      expect(sync).toContain("secretsmanager:GetSecretValue");
      // it migrates two-secret accounts with a create-only write, and never overwrites a secret
      expect(sync).toEqual(expect.arrayContaining(["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret"]));
      expect(sync).not.toContain("secretsmanager:PutSecretValue");
    }
  });

  it("gives no Secrets Manager permission to functions other than api, sync, send (as sync: never PutSecretValue), webhooks (which only reads) and the monitor (only reads notification mail's password and mailbox secrets)", async () => {
    const e = await evaluate();
    expect(secretsPermissions(functionByHandler(e, "functions/webhooks.handler")).flatMap((p) => p.actions)).toEqual(["secretsmanager:GetSecretValue"]);
    expect(
      secretsPermissions(functionByHandler(e, "functions/send.handler"))
        .flatMap((p) => p.actions)
        .sort(),
    ).toEqual(["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:GetSecretValue"]);
    const monitor = secretsPermissions(functionByHandler(e, "functions/monitor.handler"));
    expect(monitor.flatMap((p) => p.actions)).toEqual(["secretsmanager:GetSecretValue"]);
    // notification mail through the system's SMTP server, or through the chosen mailbox: read only, and nothing else under the prefix
    const monitorResources = monitor.flatMap((p) => p.resources);
    expect(monitorResources).toHaveLength(2);
    expect(monitorResources).toEqual([expect.stringMatching(/:secret:[^*]+\/notifications\/smtp\*$/), expect.stringMatching(/:secret:crm-mail-sync\/[^/*]+\/mailbox\/\*$/)]);
    const others = functionDefs(e).filter(
      (d) => !["functions/api.handler", "functions/sync.handler", "functions/webhooks.handler", "functions/send.handler", "functions/monitor.handler"].includes(d.args.handler),
    );
    expect(others).toHaveLength(1);
    for (const def of others) expect(secretsPermissions(def), def.where).toEqual([]);
    // Nor a wildcard that would include Secrets Manager.
    for (const def of functionDefs(e)) for (const p of def.args.permissions ?? []) expect(p.actions, def.where).not.toContain("*");
  });

  it("serves the API at /api and the console at / on one Router origin", async () => {
    const e = await evaluate();
    const [router] = components(e, "sst.aws.Router");
    const [api] = components(e, "sst.aws.ApiGatewayV2");
    expect(router && api).toBeTruthy();
    const apiUrl = ref(`${api!.name}.url`);
    const viaMethod = e.calls.some((c) => c.on === router!.name && c.method === "route" && ["/api", "/api/", "/api/*"].includes(c.args[0]) && isSameRef(c.args[1], apiUrl));
    const viaInline = isSameRef(router!.args.routes?.["/api/*"], apiUrl) || isSameRef(router!.args.routes?.["/api/*"]?.url, apiUrl);
    expect(viaMethod || viaInline, "a /api route on the Router to the API's url").toBe(true);

    const site = component(e, "sst.aws.StaticSite", "Console");
    expect(site.args.router?.instance).toEqual(ref(router!.name));
    expect(site.args.router?.path ?? "/").toBe("/");
    expect(site.args.build).toMatchObject({ command: "npm run build:web" });

    // Both API routes reach the api function (its args inline, or the ARN of an sst.aws.Function).
    const apiFn = functionByHandler(e, "functions/api.handler");
    for (const route of ["ANY /api/{proxy+}", "ANY /api"]) {
      const call = e.calls.find((c) => c.on === api!.name && c.method === "route" && c.args[0] === route);
      const handler = call?.args[1];
      const reachesApi = handler?.handler === "functions/api.handler" || isSameRef(handler, ref(`${apiFn.where}.arn`));
      expect(reachesApi, `${route} -> functions/api.handler`).toBe(true);
    }
    expect(e.outputs).toEqual({ url: ref(`${router!.name}.url`), api: apiUrl, alertTopic: ref("AlertTopic.arn") });
  });

  it("puts the local gateway's security headers on every Router response with a CloudFront response headers policy", async () => {
    const e = await evaluate();
    const [policy] = components(e, "aws.cloudfront.ResponseHeadersPolicy");
    expect(policy, "a response headers policy").toBeDefined();
    // the same values the local gateway sends (core/shared/security-headers.ts), overriding the origin's
    expect(policy!.args.securityHeadersConfig).toEqual({
      contentSecurityPolicy: { contentSecurityPolicy: securityHeaders.CONTENT_SECURITY_POLICY, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: "DENY", override: true },
      referrerPolicy: { referrerPolicy: securityHeaders.REFERRER_POLICY, override: true },
      strictTransportSecurity: { accessControlMaxAgeSec: 31_536_000, includeSubdomains: true, override: true },
    });
    expect(securityHeaders.CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
    expect(securityHeaders.SECURITY_HEADERS).toMatchObject({
      "content-security-policy": securityHeaders.CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    // The Router (lazy routes) serves the console and /api from its one default behaviour; its
    // cdn transform must attach the policy there and keep everything else the Router set.
    const [router] = components(e, "sst.aws.Router");
    const transform = router!.args.transform?.cdn;
    expect(typeof transform, "Router transform.cdn").toBe("function");
    const cdnArgs: any = { defaultCacheBehavior: { targetOriginId: "default", viewerProtocolPolicy: "redirect-to-https" } };
    transform(cdnArgs, {}, "WebCdn");
    expect(snapshot(cdnArgs.defaultCacheBehavior)).toEqual({
      targetOriginId: "default",
      viewerProtocolPolicy: "redirect-to-https",
      responseHeadersPolicyId: ref(`${policy!.name}.id`),
    });
  });

  it("lets the API answer only requests that came through the Router (a secret origin header)", async () => {
    const e = await evaluate();
    const secret = component(e, "sst.Secret", "OriginVerify");
    const [router] = components(e, "sst.aws.Router");
    const injection: string = router!.args.edge?.viewerRequest?.injection ?? "";
    // the Router's request function sets the header to the secret (overwriting a client's own)
    expect(injection).toContain(`event.request.headers["x-origin-verify"] = { value: "\${${secret.name}.value}" };`);
    expect(injection).toContain(`event.request.headers["x-viewer-ip"] = { value: event.viewer.ip };`);
    // and the api function is linked to it (functions/api.ts reads it as originSecret)
    const apiFn = functionByHandler(e, "functions/api.handler");
    expect(apiFn.args.link).toContainEqual(ref(secret.name));
    expect(readFileSync(fileURLToPath(new URL("../../functions/api.ts", import.meta.url)), "utf8")).toMatch(/originSecret: optionalLink\("OriginVerify"\)\?\.value/);
  });

  it("throttles sign-in at API Gateway on its own route, before the function runs", async () => {
    const e = await evaluate();
    const [api] = components(e, "sst.aws.ApiGatewayV2");
    const settings = api!.args.transform?.stage?.routeSettings as { routeKey: string; throttlingRateLimit: number; throttlingBurstLimit: number }[];
    const signIn = settings?.find((r) => r.routeKey === "POST /api/session");
    expect(signIn, "route settings for POST /api/session").toBeDefined();
    expect(signIn!.throttlingRateLimit).toBeGreaterThan(0);
    expect(signIn!.throttlingRateLimit).toBeLessThanOrEqual(10);
    expect(signIn!.throttlingBurstLimit).toBeLessThanOrEqual(50);
    const route = e.calls.find((c) => c.on === api!.name && c.method === "route" && c.args[0] === "POST /api/session");
    expect(isSameRef(route?.args[1], ref(`${functionByHandler(e, "functions/api.handler").where}.arn`))).toBe(true);
  });

  it('subscribes each ALERT_EMAILS address ("," or ";" separated) to AlertTopic by email', async () => {
    const e = await evaluate({ env: { ALERT_EMAILS: " ops@example.com; Sales.Lead@example.org,ops@example.com ," } });
    const subs = components(e, "aws.sns.TopicSubscription").map((s) => s.args);
    expect(subs).toHaveLength(2);
    for (const s of subs) expect(s).toMatchObject({ topic: ref("AlertTopic.arn"), protocol: "email" });
    expect(subs.map((s) => s.endpoint).sort()).toEqual(["ops@example.com", "sales.lead@example.org"]);
    expect(components(await evaluate(), "aws.sns.TopicSubscription")).toEqual([]);
  });

  it("sends every alarm and its recovery to AlertTopic", async () => {
    const e = await evaluate();
    expect(alarms(e).length).toBeGreaterThanOrEqual(6);
    for (const alarm of alarms(e)) {
      expect(alarm.args.alarmActions, alarm.name).toContainEqual(ref("AlertTopic.arn"));
      expect(alarm.args.okActions, alarm.name).toContainEqual(ref("AlertTopic.arn"));
    }
  });

  it("alarms when the dead-letter queue holds any message", async () => {
    const e = await evaluate();
    expect(alarms(e).map((a) => a.args)).toContainEqual(
      expect.objectContaining({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: ref("SyncDeadLetterQueue.nodes.queue.name") },
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
      }),
    );
  });

  it("alarms when the oldest SyncQueue message is older than SYNC_QUEUE_AGE_ALARM_SECONDS (default 1800)", async () => {
    const ageAlarm = (e: Recording) =>
      alarms(e).find((a) => a.args.metricName === "ApproximateAgeOfOldestMessage" && isSameRef(a.args.dimensions?.QueueName, ref("SyncQueue.nodes.queue.name")));
    const byDefault = ageAlarm(await evaluate());
    const custom = ageAlarm(await evaluate({ env: { SYNC_QUEUE_AGE_ALARM_SECONDS: "600" } }));
    expect(byDefault?.args).toMatchObject({ namespace: "AWS/SQS", comparisonOperator: "GreaterThanThreshold", threshold: 1800 });
    expect(custom?.args.threshold).toBe(600);
  });

  it.each([
    ["ConsoleLockouts", "console-lockouts"],
    ["MailboxesPaused", "mailboxes-paused"],
    ["JobsStalled", "jobs-stalled"],
  ])("alarms on the functions' %s metric (EMF, namespace CrmMailSync, this stage) to AlertTopic", async (metricName, suffix) => {
    const e = await evaluate({ stage: "prod" });
    const found = alarms(e).filter((a) => a.args.namespace === "CrmMailSync" && a.args.metricName === metricName);
    expect(found, `one alarm on ${metricName}`).toHaveLength(1);
    expect(found[0]!.args).toMatchObject({
      name: `${APP}-prod-${suffix}`,
      dimensions: { Stage: "prod" },
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      alarmActions: [ref("AlertTopic.arn")],
      okActions: [ref("AlertTopic.arn")],
    });
  });

  it("lets the monitor count, and the API list and redrive, both dead-letter queues", async () => {
    const e = await evaluate();
    const queues = [ref("SyncDeadLetterQueue"), ref("SyncQueue"), ref("WebhookDeadLetterQueue"), ref("WebhookQueue")];
    expect(functionByHandler(e, "functions/monitor.handler").args.link).toEqual(expect.arrayContaining(queues));
    expect(functionByHandler(e, "functions/api.handler").args.link).toEqual(expect.arrayContaining(queues));
  });

  it("lets the monitor count, and the API list and redrive, the send dead-letter queue too (core/runtime links it with SendQueue, where a redrive sends it)", async () => {
    const e = await evaluate();
    const queues = [ref("SendDeadLetterQueue"), ref("SendQueue")];
    expect(functionByHandler(e, "functions/monitor.handler").args.link).toEqual(expect.arrayContaining(queues));
    expect(functionByHandler(e, "functions/api.handler").args.link).toEqual(expect.arrayContaining(queues));
  });

  it("alarms on Lambda Errors of each function", async () => {
    const e = await evaluate();
    const errorAlarms = alarms(e).filter((a) => a.args.namespace === "AWS/Lambda" && a.args.metricName === "Errors");
    for (const def of functionDefs(e)) {
      const alarm = errorAlarms.find((a) => def.nameRefs.some((n) => isSameRef(a.args.dimensions?.FunctionName, ref(n))));
      expect(alarm, `an Errors alarm on ${def.where} (${def.args.handler})`).toBeDefined();
      expect(alarm!.args).toMatchObject({ comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    }
  });
});

function isSameRef(value: unknown, expected: Ref): boolean {
  return typeof value === "object" && value !== null && (value as Ref).$ref === expected.$ref;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** "6 minutes" / "30 seconds" / "1 hour" -> seconds. */
function toSeconds(duration: string): number {
  const match = /^(\d+) (second|minute|hour)s?$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * { second: 1, minute: 60, hour: 3600 }[match[2] as "second" | "minute" | "hour"];
}
