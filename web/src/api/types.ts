// The API's shapes as the console uses them, every one taken from the generated
// ./schema.d.ts (npm run gen:api), so a route's zod schema is the only place a shape is
// declared. Names here are aliases for readability; nothing is re-declared by hand.
import type { operations } from "./schema";

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The JSON a successful call answers (200, 201, or 202 for work queued). */
export type Reply<Op extends keyof operations> = operations[Op] extends { responses: infer R }
  ? R extends { 200: infer O }
    ? Json<O>
    : R extends { 201: infer O }
      ? Json<O>
      : R extends { 202: infer O }
        ? Json<O>
        : never
  : never;
/** The JSON body a call takes. */
export type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Item<L> = L extends readonly (infer I)[] ? I : never;

export type SessionInfo = Reply<"getSession">;
export type User = SessionInfo["user"];
export type Role = User["role"];

export type Account = Reply<"getAccountsId">;
/** Other states may be added by the server (e.g. "paused"): the console shows any it does not know. */
export type AccountState = Account["state"];
export type ProviderId = Account["provider"];
export type Security = Account["imap"]["security"];
export type SharingMode = Account["sharing"]["mode"];
export type SyncJob = NonNullable<Account["lastJob"]>;
export type SyncCounts = NonNullable<SyncJob["counts"]>;
export type AccountInput = Body<"postAccounts">;
export type AccountPatch = Body<"patchAccountsId">;
export type SkippedMessage = Item<Reply<"getAccountsIdSkipped">["items"]>;

export type ConnectionTestInput = Body<"postAccountsTest">;
export type ConnectionTestResult = Reply<"postAccountsTest">;
export type TestStep = Item<ConnectionTestResult["steps"]>;
export type Diagnosis = NonNullable<TestStep["diagnosis"]>;
export type TestMailResult = Reply<"postAccountsIdTest-mail">;
export type FolderList = Reply<"getAccountsIdFolders">;
export type Folder = Item<FolderList["items"]>;

export type ProviderView = Item<Reply<"getProviders">["items"]>;
export type SetupStatus = Reply<"getSetup">;
export type AuditPage = Reply<"getAudit">;
export type AuditEntry = Item<AuditPage["items"]>;
export type DomainSettings = Item<Reply<"getDomain-settings">["items"]>;
export type DomainSettingsInput = Body<"putDomain-settingsDomain">;
export type AutodiscoverResult = Reply<"postAutodiscover">;
/** An OAuth2 sign-in this server is set up for ("Connect with Google / Microsoft"). */
export type OAuthProvider = Item<Reply<"getOauthProviders">["items"]>;
export type OAuthStart = Reply<"postOauthProviderStart">;
export type OAuthCallback = Body<"postOauthCallback">;

export type Contact = Reply<"getContactsId">;
export type ContactInput = Body<"postContacts">;
export type ContactPatch = Body<"patchContactsId">;
export type ContactPage = Reply<"getContacts">;
export type PastMailStatus = Reply<"getContactsIdPast-mail">;
export type MessagePage = Reply<"getContactsIdMessages">;
export type MessageSummary = Item<MessagePage["items"]>;
export type MessageOwner = Item<MessageSummary["owners"]>;
export type Address = MessageSummary["counterpart"];
export type MessageDetail = Reply<"getMessagesId">;
export type Attachment = Item<MessageDetail["attachments"]>;
export type MessageBody = Reply<"getMessagesIdBody">;

export type ImportRequest = Body<"postContactsImport">;
export type ImportPreview = Reply<"postContactsImportPreview">;
export type ImportPreviewRow = Item<ImportPreview["rows"]>;
export type ImportField = NonNullable<Item<ImportPreview["columns"]>["field"]>;
export type ImportResult = Reply<"postContactsImport">;
export type ImportTemplate = Reply<"getContactsImportTemplate">;
export type ImportStatus = Item<ImportResult["rows"]>["status"];

export type ExcludedDomains = Reply<"getSettingsExcluded-domains">;
export type ExcludedDomainsSaved = Reply<"putSettingsExcluded-domains">;

export type ApiKey = Item<Reply<"getApi-keys">["items"]>;
export type ApiKeyScope = Item<ApiKey["scopes"]>;
export type ApiKeyInput = Body<"postApi-keys">;
/** The new key with its secret, which the API answers this once. */
export type CreatedApiKey = Reply<"postApi-keys">;

export type Webhook = Item<Reply<"getWebhooks">["items"]>;
export type WebhookEvent = Item<Webhook["events"]>;
export type WebhookInput = Body<"postWebhooks">;
/** The new endpoint with its signing secret, which the API answers this once. */
export type CreatedWebhook = Reply<"postWebhooks">;
export type WebhookTestQueued = Reply<"postWebhooksIdTest">;
export type WebhookDelivery = Item<Reply<"getWebhooksIdDeliveries">["items"]>;
export type WebhookReplay = Body<"postWebhooksIdReplay">;
export type WebhookReplayQueued = Reply<"postWebhooksIdReplay">;
export type Notification = Item<Reply<"getNotifications">["items"]>;

/** One entry of a 400 reply's error.fields: the field and the reason, in the user's language. */
export type FieldError = { field: string; code?: string; message: string };

// Operations (admin): notification mail, sign-in lockout, the mailbox pause rule
export type NotificationSettings = Reply<"getSettingsNotifications">;
export type NotificationSettingsInput = Body<"putSettingsNotifications">;
export type NotificationTestResult = Reply<"postSettingsNotificationsTest">;
export type LockoutRule = Reply<"getSettingsSignin-lockout">;
export type PauseRule = Reply<"getSettingsMailbox-pause">;
export type LockedUser = Item<Reply<"getUsersLocked">["items"]>;
export type LockRecord = Item<Reply<"getSignin-locks">["items"]>;
// Operations (core/monitoring)
export type OperationsOverview = Reply<"getOperationsOverview">;
export type AttentionMailbox = Item<OperationsOverview["mailboxes"]>;
export type Incident = Item<OperationsOverview["incidents"]>;
export type FailedRun = Item<OperationsOverview["failedRuns"]>;
export type MonitorSettings = Reply<"getSettingsMonitor">;
export type MonitorSettingsInput = Body<"putSettingsMonitor">;
export type JobTypeSettings = MonitorSettings["types"]["sync"];
export type JobType = keyof MonitorSettings["types"];
export type DeadLetter = Item<Reply<"getDead-letters">["items"]>;
export type MailboxRun = Item<Reply<"getAccountsIdRuns">["items"]>;
// Sending from the CRM (core/sending)
export type SendingSettings = Reply<"getSettingsSending">;
export type Sender = Item<Reply<"getSendingSenders">["items"]>;
export type ComposeBody = Body<"postSends">;
export type Outgoing = Reply<"postSends">;
export type Draft = Reply<"getMessagesIdDraft">;
export type DraftMode = Draft["original"]["mode"];
export type UploadTarget = Reply<"postUploads">;
export type SendingStatus = NonNullable<MessageSummary["sending"]>;
