/// <reference path="./.sst/platform/config.d.ts" />

/**
 * CRM Mail Sync on AWS (SST v3, sst 4.17.1).
 *
 *   Web (Router, one CloudFront origin)
 *     /api/* -> Api (API Gateway HTTP API) -> ApiFunction (functions/api.handler)
 *     /*     -> Console (StaticSite: web/, built with `npm run build:web`)
 *   SyncSchedule (Cron) -> functions/fanout.handler -> SyncQueue (one job per due account)
 *   SyncQueue -> functions/sync.handler (batches of 5, partial batch failures)
 *              -> after 3 receives -> SyncDeadLetterQueue
 *   MonitorSchedule (Cron, every 5 minutes) -> functions/monitor.handler: long-running and
 *     stalled jobs, full dead-letter queues, per job type at the admin's interval (core/monitoring)
 *   sync, api -> WebhookQueue -> functions/webhooks.handler (batches of 10) -> CRM endpoints
 *              -> after 5 receives -> WebhookDeadLetterQueue
 *   api -> SendQueue -> functions/send.handler (batches of 5, partial batch failures) -> the
 *              mailbox's SMTP server (and its Sent folder) -> after 6 receives -> SendDeadLetterQueue
 *   browser -> AttachmentBucket (presigned PUT from the api; read by send; deleted after 3 days)
 *   Main (users, sessions, accounts, contacts, jobs) and Mail (messages, pk = contact email)
 *   AlertTopic (SNS, email) <- CloudWatch alarms: DLQ not empty, oldest SyncQueue message too
 *     old, Errors > 0 for each function, and on the functions' own metrics (Embedded Metric
 *     Format, namespace CrmMailSync, dimension Stage): console lockouts, paused mailboxes,
 *     stalled jobs (core/monitoring/alarm-rules.ts, which `npm start` evaluates locally too).
 *
 * Mailbox passwords and webhook signing secrets live in Secrets Manager under
 * "<app>/<stage>/..." (SECRET_PREFIX); only the api (writes them), sync and webhooks (read
 * them) functions may touch that prefix; the monitor only reads notification mail's SMTP
 * password ("<prefix>notifications/smtp") and mailboxes' combined secrets ("<prefix>mailbox/*",
 * for notification mail sent through a chosen mailbox). The first
 * admin comes from the AdminEmail / AdminPassword secrets:
 *   npx sst secret set AdminEmail admin@example.com --stage prod
 *
 * Configuration, read from the environment at deploy time (or .env / .env.<stage>):
 *   SYNC_INTERVAL_MINUTES         minutes between two syncs of an account, 1..60 (default 5);
 *                                 sets the SyncSchedule rate and the functions' environment
 *   ALERT_EMAILS                  addresses subscribed to AlertTopic, separated by "," or ";"
 *                                 (each must confirm the subscription mail from AWS)
 *   SYNC_QUEUE_AGE_ALARM_SECONDS  alarm when the oldest SyncQueue message is older than this
 *                                 (default 1800)
 *
 * Security at the edge: every Router response carries the console's security headers (CSP
 * with frame-ancestors 'none', nosniff, HSTS for a year, Referrer-Policy; the same values as
 * the local gateway, core/shared/security-headers.ts); the Router adds a secret header
 * (OriginVerify) that the API requires, so API Gateway's own URL cannot be used to bypass
 * them; sign-in (POST /api/session) is throttled by API Gateway before any password is checked.
 *   npx sst secret set OriginVerify "$(openssl rand -hex 32)" --stage prod
 *
 * OAuth2 ("Connect with Google / Microsoft", core/oauth): the app's registration at each
 * provider, as secrets; a provider left empty shows no button (README: registering the app).
 *   npx sst secret set GoogleClientId ... ; npx sst secret set GoogleClientSecret ...
 *   npx sst secret set MicrosoftClientId ... ; npx sst secret set MicrosoftClientSecret ...
 * A fixed Microsoft tenant instead of "common": OAUTH_MICROSOFT_TENANT in the environment.
 *
 * Stage "prod" retains its tables and buckets on removal, is protected from `sst remove`
 * and has DynamoDB deletion protection (point-in-time recovery is always on in sst.aws.Dynamo).
 */
export default $config({
  app(input) {
    const isProd = input?.stage === "prod";
    return {
      name: "crm-mail-sync",
      home: "aws",
      removal: isProd ? "retain" : "remove",
      protect: isProd,
    };
  },
  async run() {
    const isProd = $app.stage === "prod";
    // one schema for the deploy, the functions and `npm start`: the same bad value, the same error
    const { readConfig } = await import("./core/shared/config");
    const config = readConfig(process.env);
    const syncIntervalMinutes = config.SYNC_INTERVAL_MINUTES;
    const queueAgeAlarmSeconds = config.SYNC_QUEUE_AGE_ALARM_SECONDS;
    const alertEmails = config.ALERT_EMAILS;

    // --- Data -----------------------------------------------------------------------------
    const tableShape = {
      fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
      primaryIndex: { hashKey: "pk", rangeKey: "sk" },
      globalIndexes: { gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" } },
      ttl: "expiresAt",
      deletionProtection: isProd,
    } satisfies sst.aws.DynamoArgs;
    const main = new sst.aws.Dynamo("Main", tableShape);
    const mail = new sst.aws.Dynamo("Mail", tableShape);

    const adminEmail = new sst.Secret("AdminEmail");
    const adminPassword = new sst.Secret("AdminPassword");
    // Proves a request came through the Router (hex: it is written into the Router's edge code).
    const originVerify = new sst.Secret("OriginVerify");
    // OAuth2 client registrations; empty (the placeholder): that provider is not offered
    const oauthSecrets = ["GoogleClientId", "GoogleClientSecret", "MicrosoftClientId", "MicrosoftClientSecret"].map((name) => new sst.Secret(name, ""));

    // --- Alerts ---------------------------------------------------------------------------
    const topic = new sst.aws.SnsTopic("AlertTopic");
    for (const email of alertEmails) {
      new aws.sns.TopicSubscription(`AlertEmail${email.replace(/[^A-Za-z0-9]/g, "")}`, {
        topic: topic.arn,
        protocol: "email",
        endpoint: email,
      });
    }

    // --- Function defaults ----------------------------------------------------------------
    const secretPrefix = `${$app.name}/${$app.stage}/`;
    const partition = aws.getPartitionOutput();
    const region = aws.getRegionOutput();
    const identity = aws.getCallerIdentityOutput();
    // Only this app's and stage's secrets, never "*".
    const secretArns = $interpolate`arn:${partition.partition}:secretsmanager:${region.region}:${identity.accountId}:secret:${secretPrefix}*`;
    // Notification mail's SMTP password (core/notification-mail): what the monitor needs to mail
    // the events it finds through the system's own SMTP server.
    const notificationSecretArn = $interpolate`arn:${partition.partition}:secretsmanager:${region.region}:${identity.accountId}:secret:${secretPrefix}notifications/smtp*`;
    // Mailboxes' combined credential secrets (core/secrets: "mailbox/<id>"), read-only: when the
    // admin chose "send through a connected mailbox", the monitor reads that one mailbox's SMTP
    // password (core/notification-mail/deliver.ts reads only the chosen mailbox, through the
    // binding check). IAM cannot name "the chosen mailbox" (it changes at run time), so the grant
    // is the "mailbox/" names: not the pre-migration "account/" ones (the settings save migrates
    // the chosen mailbox's secret first, core/api/routes/operations.ts), and no create, put or
    // delete (so the monitor can neither migrate nor rotate anything). Nothing secret is copied
    // anywhere, so a new mailbox password is used at once.
    const mailboxSecretArns = $interpolate`arn:${partition.partition}:secretsmanager:${region.region}:${identity.accountId}:secret:${secretPrefix}mailbox/*`;
    const fnDefaults = {
      runtime: "nodejs24.x",
      architecture: "arm64",
      environment: {
        SECRET_BACKEND: "aws",
        SECRET_PREFIX: secretPrefix,
        SYNC_INTERVAL_MINUTES: String(syncIntervalMinutes),
        // "common" (any Microsoft account) unless the deployment fixes one tenant
        OAUTH_MICROSOFT_TENANT: config.OAUTH_MICROSOFT_TENANT,
      },
    } satisfies Omit<sst.aws.FunctionArgs, "handler">;
    // core/runtime's buildRuntime() reads the Main, Mail and SyncQueue links on every cold
    // start, so every function links all three.
    const dataLinks = [main, mail];

    // --- Sync pipeline --------------------------------------------------------------------
    const dlq = new sst.aws.Queue("SyncDeadLetterQueue");
    const queue = new sst.aws.Queue("SyncQueue", {
      dlq: { queue: dlq.arn, retry: 3 },
      // Longer than the sync function's timeout, so a running job is not handed out twice.
      visibilityTimeout: "6 minutes",
    });
    // --- Webhooks (core/integrations/webhooks) --------------------------------------------
    // The sync and the API queue events; functions/webhooks delivers them. A receiver's failure
    // is retried by re-queueing with a delay (up to 24 h); a record fails here only when our
    // own side failed, and after 5 receives it goes to the dead-letter queue.
    const webhookDlq = new sst.aws.Queue("WebhookDeadLetterQueue");
    const webhookQueue = new sst.aws.Queue("WebhookQueue", {
      dlq: { queue: webhookDlq.arn, retry: 5 },
      // longer than the function's timeout, so a delivery in progress is not handed out twice
      visibilityTimeout: "2 minutes",
    });
    const webhookSubscriber = webhookQueue.subscribe(
      {
        ...fnDefaults,
        handler: "functions/webhooks.handler",
        timeout: "1 minute",
        memory: "512 MB",
        link: [...dataLinks, queue, webhookQueue],
        // webhooks only reads endpoints' signing secrets (core/integrations/webhooks/deliver.ts).
        permissions: [{ actions: ["secretsmanager:GetSecretValue"], resources: [secretArns] }],
      },
      { batch: { size: 10, partialResponses: true } },
    );

    // --- Sending from the CRM (core/sending) -----------------------------------------------
    // The API stores a composed message and queues it; functions/send delivers it at most once
    // (an idempotency record per message) and retries transient failures with backoff itself
    // (5 attempts), so a job reaching the dead-letter queue means our own side kept failing.
    const attachmentBucket = new sst.aws.Bucket("AttachmentBucket", {
      // the console uploads straight from the browser to a presigned URL
      cors: { allowOrigins: ["*"], allowMethods: ["PUT"], allowHeaders: ["content-type"], maxAge: "1 hour" },
      transform: {
        bucket: (args) => {
          args.forceDestroy = isProd ? undefined : true;
        },
      },
    });
    new aws.s3.BucketLifecycleConfigurationV2("AttachmentExpiry", {
      bucket: attachmentBucket.name,
      // uploads are used within a day (core/sending/uploads.ts); a sent message's copy is in the mailbox
      rules: [{ id: "expire-uploads", status: "Enabled", filter: { prefix: "uploads/" }, expiration: { days: 3 } }],
    });
    const sendDlq = new sst.aws.Queue("SendDeadLetterQueue");
    const sendQueue = new sst.aws.Queue("SendQueue", {
      dlq: { queue: sendDlq.arn, retry: 6 },
      // longer than the send function's timeout, so a message being sent is not handed out twice
      visibilityTimeout: "3 minutes",
    });
    const sendSubscriber = sendQueue.subscribe(
      {
        ...fnDefaults,
        handler: "functions/send.handler",
        timeout: "2 minutes",
        memory: "1024 MB",
        // the webhook queue for mail.sent / mail.failed
        link: [...dataLinks, queue, sendQueue, attachmentBucket, webhookQueue, ...oauthSecrets],
        // send reads mailbox passwords like the sync, including its create-only migration of an
        // account saved with two secrets (core/accounts/credentials.ts); never PutSecretValue.
        permissions: [{ actions: ["secretsmanager:GetSecretValue", "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret"], resources: [secretArns] }],
      },
      { batch: { size: 5, partialResponses: true } },
    );

    const syncSubscriber = queue.subscribe(
      {
        ...fnDefaults,
        handler: "functions/sync.handler",
        timeout: "5 minutes",
        memory: "1024 MB",
        // WebhookQueue: mail.added events, queued per write batch (core/integrations/webhooks/emit.ts)
        // OAuth2 client registrations: the sync refreshes access tokens (core/oauth)
        link: [...dataLinks, queue, webhookQueue, ...oauthSecrets],
        // sync reads mailbox passwords (core/sync/sync-account.ts); it also migrates an account
        // saved with two secrets to one (core/accounts/credentials.ts): create-only, then deletes
        // the old ones. Never PutSecretValue: it cannot overwrite a saved password. A refresh token
        // Microsoft rotates is saved the same create-only way, under a new name (core/oauth/rotation.ts).
        permissions: [{ actions: ["secretsmanager:GetSecretValue", "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret"], resources: [secretArns] }],
      },
      { batch: { size: 5, partialResponses: true } },
    );

    const syncSchedule = new sst.aws.Cron("SyncSchedule", {
      schedule: syncIntervalMinutes === 1 ? "rate(1 minute)" : `rate(${syncIntervalMinutes} minutes)`,
      function: {
        ...fnDefaults,
        handler: "functions/fanout.handler",
        timeout: "1 minute",
        link: [...dataLinks, queue],
      },
    });

    // every 5 minutes: the shortest check interval an admin can set; each job type is checked at its own
    const monitorSchedule = new sst.aws.Cron("MonitorSchedule", {
      schedule: "rate(5 minutes)",
      function: {
        ...fnDefaults,
        handler: "functions/monitor.handler",
        timeout: "1 minute",
        // the dead-letter queues it counts (sync, webhook, send), with the queues they feed back into
        link: [...dataLinks, queue, dlq, webhookQueue, webhookDlq, sendQueue, sendDlq],
        permissions: [{ actions: ["secretsmanager:GetSecretValue"], resources: [notificationSecretArn, mailboxSecretArns] }],
      },
    });

    // --- API and console ------------------------------------------------------------------
    // One function behind both routes (the API routes "/api" itself and everything below it).
    const apiFunction = new sst.aws.Function("ApiFunction", {
      ...fnDefaults,
      handler: "functions/api.handler",
      timeout: "30 seconds",
      memory: "512 MB",
      // the dead-letter queues: admins list them and send a job back (core/api/routes/monitoring.ts)
      link: [...dataLinks, queue, webhookQueue, dlq, webhookDlq, sendQueue, sendDlq, attachmentBucket, adminEmail, adminPassword, topic, originVerify, ...oauthSecrets],
      // api creates, replaces and deletes mailbox passwords (core/accounts).
      permissions: [
        {
          actions: [
            "secretsmanager:GetSecretValue",
            "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
            "secretsmanager:DescribeSecret",
            "secretsmanager:TagResource",
          ],
          resources: [secretArns],
        },
      ],
    });
    // The console reaches the API through the Router (same origin), so no CORS is needed.
    const api = new sst.aws.ApiGatewayV2("Api", {
      cors: false,
      transform: {
        // Sign-in is throttled before the function runs (a guessing flood costs neither Lambda
        // time nor scrypt work); the per-address limits in DynamoDB still apply under it.
        stage: { routeSettings: [{ routeKey: SIGN_IN_ROUTE, throttlingRateLimit: 5, throttlingBurstLimit: 20 }] },
      },
    });
    api.route("ANY /api/{proxy+}", apiFunction.arn);
    api.route("ANY /api", apiFunction.arn);
    // its own route, so the stage's route settings can name it
    api.route(SIGN_IN_ROUTE, apiFunction.arn);

    const { SECURITY_HEADER_POLICY } = await securityHeaders();
    const headersPolicy = new aws.cloudfront.ResponseHeadersPolicy("SecurityHeaders", {
      name: `${$app.name}-${$app.stage}-security-headers`,
      comment: "CSP, frame-ancestors none, nosniff, HSTS, Referrer-Policy (core/shared/security-headers.ts)",
      securityHeadersConfig: SECURITY_HEADER_POLICY,
    });
    const router = new sst.aws.Router("Web", {
      edge: {
        viewerRequest: {
          // Proves to the API that the request came through here, and tells it the viewer's
          // address (API Gateway only sees CloudFront's); both overwrite what the client sent.
          injection: $interpolate`event.request.headers["x-origin-verify"] = { value: "${originVerify.value}" };
event.request.headers["x-viewer-ip"] = { value: event.viewer.ip };`,
        },
      },
      transform: {
        // The Router serves every route from its one default behaviour: the policy goes there.
        cdn: (args) => {
          args.defaultCacheBehavior = $resolve(args.defaultCacheBehavior).apply((behaviour) => ({ ...behaviour, responseHeadersPolicyId: headersPolicy.id }));
        },
      },
    });
    // A Router route is a path prefix: "/api" matches "/api" and "/api/...", and the path is
    // forwarded unchanged.
    router.route("/api", api.url);
    // StaticSite runs build.command in `path` and reads build.output relative to it; the
    // build script lives in the root package.json, so the site's path is the repo root.
    new sst.aws.StaticSite("Console", {
      path: ".",
      build: { command: "npm run build:web", output: "web/dist" },
      router: { instance: router },
      // In `sst dev` deploy the built console too (the default would run `npm run dev`, which
      // this repo lacks, and a Vite dev server would not share the Router's /api origin).
      dev: false,
    });

    // --- Alarms ---------------------------------------------------------------------------
    const alarmActions = { alarmActions: [topic.arn], okActions: [topic.arn] };
    const alarmName = (suffix: string) => `${$app.name}-${$app.stage}-${suffix}`;

    // a dead-letter queue holding anything: jobs that kept failing on our side
    const deadLetterAlarm = (id: string, suffix: string, alarmDescription: string, queue: sst.aws.Queue) =>
      new aws.cloudwatch.MetricAlarm(id, {
        name: alarmName(suffix),
        alarmDescription,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.nodes.queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        ...alarmActions,
      });
    deadLetterAlarm("SyncDeadLetterQueueNotEmpty", "sync-dlq-not-empty", "Sync jobs failed 3 times and were moved to the dead-letter queue.", dlq);
    deadLetterAlarm(
      "WebhookDeadLetterQueueNotEmpty",
      "webhook-dlq-not-empty",
      "Webhook deliveries failed on our side 5 times and were moved to the dead-letter queue.",
      webhookDlq,
    );
    deadLetterAlarm(
      "SendDeadLetterQueueNotEmpty",
      "send-dlq-not-empty",
      "Send jobs failed on our side 6 times and were moved to the dead-letter queue: their messages still say queued.",
      sendDlq,
    );

    new aws.cloudwatch.MetricAlarm("SyncQueueOldestMessageAge", {
      name: alarmName("sync-queue-oldest-message-age"),
      alarmDescription: `The oldest sync job has waited more than ${queueAgeAlarmSeconds} s: sync is not keeping up.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: queueAgeAlarmSeconds,
      treatMissingData: "notBreaching",
      ...alarmActions,
    });

    // the functions' own metrics (EMF log lines, core/monitoring/metrics.ts): one alarm per rule
    const { ALARM_RULES, METRIC_NAMESPACE } = await import("./core/monitoring/alarm-rules");
    for (const rule of ALARM_RULES) {
      new aws.cloudwatch.MetricAlarm(rule.id, {
        name: alarmName(rule.suffix),
        alarmDescription: rule.description,
        namespace: METRIC_NAMESPACE,
        metricName: rule.metric,
        dimensions: { Stage: $app.stage },
        statistic: "Sum",
        period: rule.periodSeconds,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: rule.threshold,
        treatMissingData: "notBreaching",
        ...alarmActions,
      });
    }

    const functionNames = {
      api: apiFunction.name,
      sync: syncSubscriber.nodes.function.name,
      fanout: syncSchedule.nodes.function.name,
      monitor: monitorSchedule.nodes.function.name,
      webhooks: webhookSubscriber.nodes.function.name,
      send: sendSubscriber.nodes.function.name,
    };
    for (const [fn, functionName] of Object.entries(functionNames)) {
      const id = fn[0]!.toUpperCase() + fn.slice(1);
      new aws.cloudwatch.MetricAlarm(`${id}FunctionErrors`, {
        name: alarmName(`${fn}-errors`),
        alarmDescription: `The ${fn} function failed (Lambda Errors > 0).`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        ...alarmActions,
      });
    }

    return {
      url: router.url,
      api: api.url,
      alertTopic: topic.arn,
    };
  },
});

/** API Gateway's route key for sign-in, throttled on its own. */
const SIGN_IN_ROUTE = "POST /api/session";

/**
 * The shared header values (core/shared/security-headers.ts) as a CloudFront response headers
 * policy. Imported inside run(), as SST wants for local modules.
 */
async function securityHeaders() {
  const h = await import("./core/shared/security-headers");
  return {
    SECURITY_HEADER_POLICY: {
      contentSecurityPolicy: { contentSecurityPolicy: h.CONTENT_SECURITY_POLICY, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: "DENY", override: true },
      referrerPolicy: { referrerPolicy: h.REFERRER_POLICY, override: true },
      strictTransportSecurity: { accessControlMaxAgeSec: h.HSTS_MAX_AGE_SECONDS, includeSubdomains: true, override: true },
    },
  };
}
