// Every string the console shows, in English and Japanese. Add a key to `en` first: `ja` is
// typed against it, so a missing translation fails the type-check.
import { createContext, useContext } from "react";
import type { Lang } from "./api";

export type { Lang };

const en = {
  "app.name": "CRM Mail Sync",
  "app.tagline": "Every contact's whole email history, from every salesperson's mailbox.",

  "nav.main": "Main navigation",
  "nav.contacts": "Contacts",
  "nav.accounts": "Mailboxes",
  "nav.users": "Users",
  "header.language": "Language",
  "header.signOut": "Sign out",
  "header.signedInAs": "Signed in as {name}",

  "role.admin": "Administrator",
  "role.member": "Member",

  "common.loading": "Loading…",
  "common.save": "Save",
  "common.saving": "Saving…",
  "common.cancel": "Cancel",
  "common.delete": "Delete",
  "common.deleting": "Deleting…",
  "common.edit": "Edit",
  "common.retry": "Retry",
  "common.close": "Close",
  "common.refresh": "Refresh",
  "common.optional": "optional",
  "common.none": "—",
  "common.dismiss": "Dismiss",

  "error.network": "The server cannot be reached. Check your connection and try again.",
  "error.unexpected": "Something went wrong (HTTP {status}). Please try again.",
  "error.sessionExpired": "Your session has expired. Please sign in again.",
  "error.forbidden": "You do not have permission to view this page.",
  "error.notFound": "Page not found.",
  "error.fixFields": "Please correct the highlighted fields.",

  "signin.title": "Sign in",
  "signin.subtitle": "Use the account your administrator created for you.",
  "signin.email": "Email address",
  "signin.password": "Password",
  "signin.submit": "Sign in",
  "signin.submitting": "Signing in…",
  "signin.signedOut": "You have signed out.",

  "accounts.title": "Mailboxes",
  "accounts.subtitle": "Mailboxes whose email is synced to the CRM, and how their last sync went.",
  "accounts.add": "Add mailbox",
  "accounts.empty": "No mailboxes are connected yet.",
  "accounts.emptyHint": "Connect an IMAP mailbox to bring its email into each contact's history.",
  "accounts.col.owner": "Owner",
  "accounts.col.address": "Address",
  "accounts.col.state": "Status",
  "accounts.col.lastSync": "Last sync",
  "accounts.col.actions": "Actions",
  "accounts.syncNow": "Sync now",
  "accounts.syncStarted": "Sync started for {email}.",
  "accounts.neverSynced": "Not yet",
  "accounts.syncOff": "Sync off",
  "accounts.deleteTitle": "Delete this mailbox?",
  "accounts.deleteBody": "{email} will be disconnected and its saved password deleted. This cannot be undone.",
  "accounts.deleted": "Mailbox {email} deleted.",
  "accounts.unknownOwner": "Unknown user",

  "state.init": "Pending",
  "state.connected": "Connected",
  "state.syncing": "Syncing",
  "state.authenticationError": "Authentication error",
  "state.connectError": "Connection error",
  "state.disabled": "Disabled",

  "accountForm.titleNew": "Add mailbox",
  "accountForm.titleEdit": "Edit mailbox",
  "accountForm.back": "Back to mailboxes",
  "accountForm.sectionMailbox": "Mailbox",
  "accountForm.sectionServer": "IMAP server",
  "accountForm.sectionOptions": "Options",
  "accountForm.owner": "Owner",
  "accountForm.email": "Email address",
  "accountForm.displayName": "Display name",
  "accountForm.displayNameHint": "Shown in the mailbox list, e.g. \"Sales – Tokyo\".",
  "accountForm.host": "IMAP host",
  "accountForm.hostPlaceholder": "imap.example.com",
  "accountForm.port": "Port",
  "accountForm.security": "Security",
  "accountForm.portSuggest": "The usual port for {security} is {port}.",
  "accountForm.usePort": "Use {port}",
  "accountForm.user": "User name",
  "accountForm.userHint": "Usually the same as the email address.",
  "accountForm.password": "Password",
  "accountForm.passwordSaved": "A password is saved; leave blank to keep it.",
  "accountForm.passwordHint": "Stored securely and never shown again.",
  "accountForm.insecure": "Allow insecure certificates",
  "accountForm.insecureWarning":
    "Only for servers with a self-signed or expired certificate. With this on, someone on the network could read the mailbox password and email without it being noticed.",
  "accountForm.noneWarning": "Without encryption the password and email travel over the network in plain text.",
  "accountForm.syncEnabled": "Sync enabled",
  "accountForm.syncEnabledHint": "New email is fetched automatically.",
  "accountForm.created": "Mailbox {email} added.",
  "accountForm.saved": "Mailbox {email} saved.",
  "accountForm.notFound": "This mailbox does not exist or was deleted.",
  "accountForm.status": "Status",
  "accountForm.lastError": "Last error",
  "accountForm.lastSync": "Last sync",

  "accounts.col.provider": "Provider",
  "accounts.progress": "{done} of {total} emails",
  "accounts.progressFolder": "Syncing {folder}: {done} of {total} emails",

  "provider.gmail": "Gmail / Google Workspace",
  "provider.microsoft365": "Microsoft 365",
  "provider.outlook": "Outlook.com",
  "provider.yahoo": "Yahoo Mail",
  "provider.yahoo_japan": "Yahoo! JAPAN",
  "provider.zoho": "Zoho Mail",
  "provider.zoho_pro": "Zoho Mail (organisation)",
  "provider.icloud": "iCloud Mail",
  "provider.aol": "AOL Mail",
  "provider.other": "Other (IMAP)",
  "provider.otherHint": "Enter the servers yourself",

  "source.admin": "Pre-set by your admin",
  "source.preset": "Provider preset",
  "source.autoconfig": "The domain's autoconfig file",
  "source.ispdb": "Thunderbird's ISP database",
  "source.srv": "DNS SRV record",
  "source.mx": "MX record (mail host)",
  "source.guess": "Guessed, the server answered",
  "source.manual": "Entered by hand",
  "source.label": "Source: {source}",

  "discovery.status.found": "found",
  "discovery.status.none": "nothing there",
  "discovery.status.failed": "failed",
  "discovery.status.timeout": "no answer in time",
  "discovery.status.skipped": "not needed",

  "accountForm.step1": "Mailbox",
  "accountForm.step1Hint": "Type the address and the settings are looked up, or choose the provider.",
  "accountForm.step2": "Sign-in",
  "accountForm.step3": "Advanced settings",
  "accountForm.step4": "Connection test",
  "accountForm.detect": "Detect settings",
  "accountForm.detecting": "Looking up the settings for {domain}…",
  "accountForm.detected": "Settings found for {domain}",
  "accountForm.detectedProvider": "Provider: {provider}",
  "accountForm.detectNone": "No settings were found for {domain}. Choose the provider below, or enter the servers under Advanced settings.",
  "accountForm.detectFailed": "The settings could not be looked up: {error} Choose the provider, or enter the servers under Advanced settings.",
  "accountForm.detectDetails": "What was checked",
  "accountForm.incoming": "Incoming (IMAP)",
  "accountForm.outgoing": "Outgoing (SMTP)",
  "accountForm.notSet": "Not set",
  "accountForm.chooseProvider": "Provider",
  "accountForm.providersUnavailable": "The provider list could not be loaded. Enter the servers under Advanced settings.",
  "accountForm.senderName": "Sender name",
  "accountForm.senderNameHint": "Shown as the sender of mail sent from this mailbox, e.g. \"Hanako Sato (Sample Corp.)\".",
  "accountForm.appPassword": "App password",
  "accountForm.appPasswordNeeded": "{provider} needs an app password: the normal account password does not work in mail apps.",
  "accountForm.appPasswordHowTo": "How to create an app password",
  "accountForm.passwordHowTo": "How to get a password that works with {provider}",
  "accountForm.passwordHowToGeneric": "Which password to use",
  "accountForm.oauthTitle": "{provider} needs Microsoft sign-in (OAuth)",
  "accountForm.oauthBody": "Microsoft no longer accepts passwords or app passwords from mail apps for this kind of mailbox: a connection with a password will be refused. Connecting with \"Sign in with Microsoft\" is not available in this console yet; ask your administrator how Microsoft mailboxes are connected in your company.",
  "accountForm.showAdvanced": "Show advanced settings",
  "accountForm.hideAdvanced": "Hide advanced settings",
  "accountForm.smtpHost": "SMTP host",
  "accountForm.smtpHostPlaceholder": "smtp.example.com",
  "accountForm.sameCredentials": "Use the same user name and password as incoming mail",
  "accountForm.smtpUser": "SMTP user name",
  "accountForm.smtpPassword": "SMTP password",
  "accountForm.smtpPasswordSaved": "An SMTP password is saved; leave blank to keep it.",
  "accountForm.noSmtp": "No outgoing server: this mailbox is only read, never used to send.",
  "accountForm.addSmtp": "Add an outgoing server",
  "accountForm.removeSmtp": "Remove the outgoing server",
  "accountForm.sectionSecurity": "Certificates",
  "accountForm.sectionSending": "Sending",
  "accountForm.sectionSync": "Sync",
  "accountForm.sectionSharing": "Sharing",
  "accountForm.aliases": "Other From addresses (aliases)",
  "accountForm.aliasesHint": "Addresses this mailbox may also send as. One per line, or separated by commas.",
  "accountForm.bccSelf": "BCC myself",
  "accountForm.bccSelfHint": "Every mail sent from the CRM is also sent to this mailbox.",
  "accountForm.saveSentCopy": "Save a copy of sent mail to the Sent folder",
  "accountForm.saveSentCopyHint": "Leave off for Gmail and Microsoft 365: they file sent mail themselves, so a copy would appear twice.",
  "accountForm.sentFolder": "Sent folder",
  "accountForm.sentFolderAuto": "Detect automatically",
  "accountForm.sentFolderAutoDetected": "Detect automatically (now: {folder})",
  "accountForm.sentFolderHint": "Run the connection test to choose from the mailbox's folders.",
  "accountForm.sentFolderLoaded": "{count} folders on the server.",
  "accountForm.loadFolders": "Load folders",
  "accountForm.loadingFolders": "Loading folders…",
  "accountForm.syncFolders": "Folders to sync",
  "accountForm.syncFoldersDefault": "Inbox and the Sent folder (default)",
  "accountForm.syncFoldersHint": "Run the connection test to choose other folders.",
  "accountForm.syncFoldersReset": "Back to the default",
  "accountForm.folderSent": "Sent",
  "accountForm.folderInbox": "Inbox",
  "accountForm.folderWithRole": "{name} ({role})",
  "accountForm.initialSyncDays": "First sync reaches back",
  "accountForm.initialSyncDaysUnit": "days",
  "accountForm.initialSyncDaysHint": "Mail older than this is not brought in by the first sync. Default 90 days.",
  "accountForm.sharingMode": "Who sees this mailbox's mail in the CRM",
  "accountForm.sharing.private": "Only the owner",
  "accountForm.sharing.privateHint": "Colleagues do not see this mailbox's mail in contact histories.",
  "accountForm.sharing.custom": "Mail with chosen contacts",
  "accountForm.sharing.customHint": "Everyone sees the mail exchanged with the contacts listed below; the rest stays private.",
  "accountForm.sharing.public": "Everyone",
  "accountForm.sharing.publicHint": "All mail with CRM contacts is visible to everyone who can see the contact.",
  "accountForm.sharingContacts": "Shared contacts",
  "accountForm.sharingContactsSearch": "Search contacts to add",
  "accountForm.sharingContactsEmpty": "No contacts chosen yet.",
  "accountForm.sharingContactRemove": "Remove {name}",
  "accountForm.excludedDomains": "Excluded domains",
  "accountForm.excludedDomainsHint": "Mail with these domains is seen only by the owner, whatever the setting above. One per line, e.g. example.co.jp.",
  "accountForm.insecureOn": "Certificate checks are off for this mailbox.",
  "accountForm.testIntro": "Checks the settings as they are in the form, step by step: name lookup, connection, encryption, sign-in, the folders and the outgoing server. Nothing is saved.",
  "accountForm.test": "Test connection",
  "accountForm.testing": "Testing…",
  "accountForm.testMail": "Send test mail",
  "accountForm.testMailSending": "Sending…",
  "accountForm.testMailHint": "Sends a test mail to {email} and saves it in the Sent folder.",
  "accountForm.testMailSaveFirst": "Save the mailbox first to send a test mail.",
  "accountForm.testNeedsPassword": "Enter the password to test the connection.",
  "accountForm.testNeedsPasswordChanged": "The server settings changed: enter the password again to test them (the saved password never comes back to the browser).",
  "accountForm.testNeedsHost": "Enter the incoming server (IMAP host) to test the connection.",
  "accountForm.testOk": "All checks passed.",
  "accountForm.testFailed": "The test stopped at: {step}",
  "accountForm.testMailOk": "The test mail was sent and saved.",
  "accountForm.testMailFailed": "The test mail failed at: {step}",
  "accountForm.testUnavailable": "The connection test is not available on this server yet.",
  "accountForm.testStale": "The settings changed since this test.",
  "accountForm.cause": "Cause",
  "accountForm.fix": "What to do",
  "accountForm.providerSteps": "Steps at {provider}",
  "accountForm.providerStepsGeneric": "Steps at the provider",
  "accountForm.serverReply": "The server's own words",
  "accountForm.notRun": "not run",
  "accountForm.saveAdd": "Add mailbox",
  "accountForm.savingTesting": "Testing and saving…",
  "accountForm.saveFailedTest": "The mailbox was not saved: the connection test failed.",
  "accountForm.saveDisabled": "Save disabled anyway",
  "accountForm.saveDisabledHint": "The settings are kept with sync off, so you can fix them later. Nothing is synced until the connection test passes and sync is turned on.",
  "accountForm.savedDisabled": "Mailbox {email} saved with sync off.",
  "accountForm.syncNow": "Sync now",
  "accountForm.lastRun": "Last run",
  "accountForm.progress": "First sync",
  "accountForm.noRun": "No sync has run yet.",
  "accountForm.started": "Started",
  "accountForm.ended": "Ended",
  "accountForm.duration": "Took {duration}",
  "accountForm.running": "Running for {duration}",
  "accountForm.counts.folders": "Folders",
  "accountForm.counts.fetched": "Fetched",
  "accountForm.counts.matched": "Matched a contact",
  "accountForm.counts.written": "Written",
  "accountForm.counts.skipped": "Skipped",

  "job.status.queued": "Waiting",
  "job.status.running": "Running",
  "job.status.done": "Finished",
  "job.status.failed": "Failed",
  "job.status.skipped": "Skipped",
  "job.status.continued": "Continuing",
  "job.reason.schedule": "scheduled",
  "job.reason.manual": "started by hand",
  "job.reason.continuation": "continuation",
  "job.reason.backfill": "new contact addresses",

  "step.dns": "DNS lookup",
  "step.tcp": "Connection (TCP)",
  "step.tls": "Encryption (TLS)",
  "step.imap_login": "IMAP sign-in",
  "step.folders": "Folders and Sent folder",
  "step.smtp_login": "SMTP sign-in",
  "step.smtp_send": "Send the test mail",
  "step.imap_append": "Save it to the Sent folder",
  "step.protocol.imap": "IMAP",
  "step.protocol.smtp": "SMTP",
  "step.ms": "{ms} ms",

  "security.tls": "TLS (SSL)",
  "security.starttls": "STARTTLS",
  "security.none": "None (unencrypted)",

  "contacts.title": "Contacts",
  "contacts.subtitle": "Open a contact to see every email exchanged with them.",
  "contacts.searchLabel": "Search contacts",
  "contacts.searchPlaceholder": "Name, company or email address",
  "contacts.add": "Add contact",
  "contacts.empty": "No contacts yet.",
  "contacts.emptyHint": "Add a contact to see its email history.",
  "contacts.noMatch": "No contacts match “{q}”.",
  "contacts.count": "{count} contacts",
  "contacts.col.name": "Name",
  "contacts.col.company": "Company",
  "contacts.col.email": "Email",
  "contacts.col.otherEmails": "Other addresses",
  "contacts.col.created": "Added",

  "contactForm.name": "Name",
  "contactForm.company": "Company",
  "contactForm.primaryEmail": "Primary email",
  "contactForm.secondaryEmails": "Other email addresses",
  "contactForm.secondaryHint": "One per line, or separated by commas.",
  "contactForm.created": "Contact {name} added.",
  "contactForm.saved": "Contact {name} saved.",

  "contact.back": "All contacts",
  "contact.emails": "Email addresses",
  "contact.primary": "Primary",
  "contact.company": "Company",
  "contact.added": "Added {date}",
  "contact.editTitle": "Edit contact",
  "contact.deleteTitle": "Delete this contact?",
  "contact.deleteBody": "{name} will be removed from the CRM. This cannot be undone.",
  "contact.deleted": "Contact {name} deleted.",
  "contact.notFound": "This contact does not exist or was deleted.",
  "contact.messages": "Email history",
  "contact.messagesShown": "{count} shown",
  "contact.messagesAll": "{count} emails",
  "contact.noMessages": "No email with this contact yet.",
  "contact.noMessagesHint": "Emails appear here after the next sync of a connected mailbox.",
  "contact.loadMore": "Load more",
  "contact.loadingMore": "Loading…",
  "contact.noSubject": "(no subject)",
  "contact.col.date": "Date",
  "contact.col.direction": "Direction",
  "contact.col.subject": "Subject",
  "contact.col.counterpart": "Correspondent",
  "contact.col.owners": "Mailbox",

  "contact.filterOwner": "Mailbox owner",
  "contact.filterOwnerAll": "All mailboxes",
  "contact.refresh": "Refresh",
  "contact.threadCount": "{count} emails",
  "contact.threadExpand": "Show all {count} emails in this conversation",
  "contact.threadCollapse": "Show only the latest email",
  "contact.threads": "{count} conversations",
  "contact.attachmentsCount": "{count} attachments",
  "contact.noMessagesOwner": "No email with this contact in {owner}'s mailboxes.",
  "contact.openMessage": "Open the email: {subject}",

  "message.title": "Email",
  "message.close": "Close",
  "message.from": "From",
  "message.to": "To",
  "message.cc": "Cc",
  "message.replyTo": "Reply-To",
  "message.date": "Date",
  "message.subject": "Subject",
  "message.mailbox": "In the mailboxes of",
  "message.messageId": "Message-ID",
  "message.attachments": "Attachments",
  "message.noAttachments": "No attachments.",
  "message.unnamed": "(no name)",
  "message.body": "Message",
  "message.bodyLoading": "Fetching the message from the mail server…",
  "message.bodyEmpty": "This email has no text.",
  "message.bodyTruncated": "The text is long: only the beginning is shown.",
  "message.bodyError": "The message could not be fetched: {error}",
  "message.bodyRetry": "Try again",
  "message.textOnly": "Shown as plain text: pictures and links from the web are never loaded.",
  "message.detailsError": "Some details could not be loaded: {error}",

  "size.bytes": "{n} B",
  "size.kb": "{n} KB",
  "size.mb": "{n} MB",
  "duration.s": "{n} s",
  "duration.m": "{m} min {s} s",

  "direction.received": "Received",
  "direction.sent": "Sent",

  "users.title": "Users",
  "users.subtitle": "People who can sign in to the console.",
  "users.add": "Add user",
  "users.empty": "No users.",
  "users.col.name": "Name",
  "users.col.email": "Email address",
  "users.col.role": "Role",
  "users.col.actions": "Actions",
  "users.name": "Name",
  "users.email": "Email address",
  "users.password": "Initial password",
  "users.passwordHint": "Share it privately; the user can sign in with it right away.",
  "users.role": "Role",
  "users.you": "You",
  "users.remove": "Remove",
  "users.removeTitle": "Remove this user?",
  "users.removeBody": "{name} ({email}) will no longer be able to sign in.",
  "users.created": "User {name} added.",
  "users.removed": "User {name} removed.",
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const ja: Dictionary = {
  "app.name": "CRM Mail Sync",
  "app.tagline": "営業担当者全員のメールボックスから、連絡先ごとのメール履歴をまとめて表示します。",

  "nav.main": "メインメニュー",
  "nav.contacts": "連絡先",
  "nav.accounts": "メールボックス",
  "nav.users": "ユーザー",
  "header.language": "言語",
  "header.signOut": "サインアウト",
  "header.signedInAs": "{name} でサインイン中",

  "role.admin": "管理者",
  "role.member": "メンバー",

  "common.loading": "読み込み中…",
  "common.save": "保存",
  "common.saving": "保存中…",
  "common.cancel": "キャンセル",
  "common.delete": "削除",
  "common.deleting": "削除中…",
  "common.edit": "編集",
  "common.retry": "再試行",
  "common.close": "閉じる",
  "common.refresh": "最新の情報に更新",
  "common.optional": "任意",
  "common.none": "—",
  "common.dismiss": "閉じる",

  "error.network": "サーバーに接続できません。ネットワーク接続を確認して、もう一度お試しください。",
  "error.unexpected": "エラーが発生しました（HTTP {status}）。もう一度お試しください。",
  "error.sessionExpired": "セッションの有効期限が切れました。もう一度サインインしてください。",
  "error.forbidden": "このページを表示する権限がありません。",
  "error.notFound": "ページが見つかりません。",
  "error.fixFields": "入力内容に誤りがあります。赤字の項目をご確認ください。",

  "signin.title": "サインイン",
  "signin.subtitle": "管理者から発行されたアカウントでサインインしてください。",
  "signin.email": "メールアドレス",
  "signin.password": "パスワード",
  "signin.submit": "サインイン",
  "signin.submitting": "サインイン中…",
  "signin.signedOut": "サインアウトしました。",

  "accounts.title": "メールボックス",
  "accounts.subtitle": "メールを CRM に同期しているメールボックスと、その同期状況の一覧です。",
  "accounts.add": "メールボックスを追加",
  "accounts.empty": "接続済みのメールボックスはまだありません。",
  "accounts.emptyHint": "IMAP メールボックスを接続すると、そのメールが各連絡先の履歴に取り込まれます。",
  "accounts.col.owner": "担当者",
  "accounts.col.address": "メールアドレス",
  "accounts.col.state": "状態",
  "accounts.col.lastSync": "最終同期",
  "accounts.col.actions": "操作",
  "accounts.syncNow": "今すぐ同期",
  "accounts.syncStarted": "{email} の同期を開始しました。",
  "accounts.neverSynced": "未同期",
  "accounts.syncOff": "同期停止中",
  "accounts.deleteTitle": "このメールボックスを削除しますか？",
  "accounts.deleteBody": "{email} の接続を解除し、保存済みのパスワードを削除します。この操作は取り消せません。",
  "accounts.deleted": "メールボックス {email} を削除しました。",
  "accounts.unknownOwner": "不明なユーザー",

  "state.init": "接続待ち",
  "state.connected": "接続済み",
  "state.syncing": "同期中",
  "state.authenticationError": "認証エラー",
  "state.connectError": "接続エラー",
  "state.disabled": "無効",

  "accountForm.titleNew": "メールボックスを追加",
  "accountForm.titleEdit": "メールボックスを編集",
  "accountForm.back": "メールボックス一覧へ戻る",
  "accountForm.sectionMailbox": "メールボックス",
  "accountForm.sectionServer": "IMAP サーバー",
  "accountForm.sectionOptions": "オプション",
  "accountForm.owner": "担当者",
  "accountForm.email": "メールアドレス",
  "accountForm.displayName": "表示名",
  "accountForm.displayNameHint": "一覧に表示される名前です（例: 東京営業部）。",
  "accountForm.host": "IMAP ホスト",
  "accountForm.hostPlaceholder": "imap.example.co.jp",
  "accountForm.port": "ポート",
  "accountForm.security": "暗号化方式",
  "accountForm.portSuggest": "{security} の標準ポートは {port} です。",
  "accountForm.usePort": "{port} を使用",
  "accountForm.user": "ユーザー名",
  "accountForm.userHint": "通常はメールアドレスと同じです。",
  "accountForm.password": "パスワード",
  "accountForm.passwordSaved": "パスワードは保存済みです。変更しない場合は空欄のままにしてください。",
  "accountForm.passwordHint": "安全に保管され、今後表示されることはありません。",
  "accountForm.insecure": "安全でない証明書を許可する",
  "accountForm.insecureWarning":
    "自己署名証明書や期限切れの証明書を使用するサーバーの場合にのみ有効にしてください。有効にすると、同じネットワーク上の第三者にパスワードやメールを気付かれずに読み取られるおそれがあります。",
  "accountForm.noneWarning": "暗号化しない場合、パスワードとメールが平文のままネットワーク上を流れます。",
  "accountForm.syncEnabled": "同期を有効にする",
  "accountForm.syncEnabledHint": "新着メールを自動的に取り込みます。",
  "accountForm.created": "メールボックス {email} を追加しました。",
  "accountForm.saved": "メールボックス {email} を保存しました。",
  "accountForm.notFound": "このメールボックスは存在しないか、削除されています。",
  "accountForm.status": "状態",
  "accountForm.lastError": "直近のエラー",
  "accountForm.lastSync": "最終同期",

  "accounts.col.provider": "メールサービス",
  "accounts.progress": "{done} / {total} 件",
  "accounts.progressFolder": "{folder} を同期中: {done} / {total} 件",

  "provider.gmail": "Gmail / Google Workspace",
  "provider.microsoft365": "Microsoft 365",
  "provider.outlook": "Outlook.com",
  "provider.yahoo": "Yahoo Mail",
  "provider.yahoo_japan": "Yahoo!メール",
  "provider.zoho": "Zoho Mail",
  "provider.zoho_pro": "Zoho Mail（組織）",
  "provider.icloud": "iCloud メール",
  "provider.aol": "AOL メール",
  "provider.other": "その他（IMAP）",
  "provider.otherHint": "サーバー情報を手入力します",

  "source.admin": "管理者が設定済み",
  "source.preset": "メールサービスの既定値",
  "source.autoconfig": "ドメインの自動設定ファイル",
  "source.ispdb": "Thunderbird の ISP データベース",
  "source.srv": "DNS の SRV レコード",
  "source.mx": "MX レコード（メールサーバー）",
  "source.guess": "推測（サーバーの応答を確認済み）",
  "source.manual": "手入力",
  "source.label": "取得元: {source}",

  "discovery.status.found": "検出",
  "discovery.status.none": "該当なし",
  "discovery.status.failed": "失敗",
  "discovery.status.timeout": "時間内に応答なし",
  "discovery.status.skipped": "確認不要",

  "accountForm.step1": "メールボックス",
  "accountForm.step1Hint": "メールアドレスを入力すると設定を自動で検出します。メールサービスを選ぶこともできます。",
  "accountForm.step2": "サインイン情報",
  "accountForm.step3": "詳細設定",
  "accountForm.step4": "接続テスト",
  "accountForm.detect": "設定を検出",
  "accountForm.detecting": "{domain} の設定を確認しています…",
  "accountForm.detected": "{domain} の設定が見つかりました",
  "accountForm.detectedProvider": "メールサービス: {provider}",
  "accountForm.detectNone": "{domain} の設定は見つかりませんでした。下の一覧からメールサービスを選ぶか、「詳細設定」でサーバー情報を入力してください。",
  "accountForm.detectFailed": "設定を検出できませんでした: {error} メールサービスを選ぶか、「詳細設定」でサーバー情報を入力してください。",
  "accountForm.detectDetails": "確認した内容",
  "accountForm.incoming": "受信（IMAP）",
  "accountForm.outgoing": "送信（SMTP）",
  "accountForm.notSet": "未設定",
  "accountForm.chooseProvider": "メールサービス",
  "accountForm.providersUnavailable": "メールサービスの一覧を読み込めませんでした。「詳細設定」でサーバー情報を入力してください。",
  "accountForm.senderName": "差出人名",
  "accountForm.senderNameHint": "このメールボックスから送信するメールの差出人として表示されます（例: 佐藤 花子（サンプル株式会社））。",
  "accountForm.appPassword": "アプリパスワード",
  "accountForm.appPasswordNeeded": "{provider} ではアプリパスワードが必要です。通常のアカウントのパスワードはメールソフトでは使えません。",
  "accountForm.appPasswordHowTo": "アプリパスワードの作成手順",
  "accountForm.passwordHowTo": "{provider} で使えるパスワードの準備手順",
  "accountForm.passwordHowToGeneric": "入力するパスワードについて",
  "accountForm.oauthTitle": "{provider} には Microsoft のサインイン（OAuth）が必要です",
  "accountForm.oauthBody": "この種類のメールボックスでは、Microsoft はメールソフトからのパスワードやアプリパスワードによる接続を受け付けていません。パスワードで接続しようとしても拒否されます。「Microsoft でサインイン」による接続は、このコンソールではまだご利用いただけません。Microsoft のメールボックスの接続方法については、社内の管理者にお問い合わせください。",
  "accountForm.showAdvanced": "詳細設定を表示",
  "accountForm.hideAdvanced": "詳細設定を閉じる",
  "accountForm.smtpHost": "SMTP ホスト",
  "accountForm.smtpHostPlaceholder": "smtp.example.co.jp",
  "accountForm.sameCredentials": "受信と同じユーザー名とパスワードを使用する",
  "accountForm.smtpUser": "SMTP ユーザー名",
  "accountForm.smtpPassword": "SMTP パスワード",
  "accountForm.smtpPasswordSaved": "SMTP パスワードは保存済みです。変更しない場合は空欄のままにしてください。",
  "accountForm.noSmtp": "送信サーバーは設定されていません。このメールボックスは受信したメールの取り込みだけに使われます。",
  "accountForm.addSmtp": "送信サーバーを追加",
  "accountForm.removeSmtp": "送信サーバーを削除",
  "accountForm.sectionSecurity": "証明書",
  "accountForm.sectionSending": "送信",
  "accountForm.sectionSync": "同期",
  "accountForm.sectionSharing": "共有",
  "accountForm.aliases": "その他の差出人アドレス（エイリアス）",
  "accountForm.aliasesHint": "このメールボックスから差出人として使えるアドレスです。1 行に 1 件、またはカンマ区切りで入力してください。",
  "accountForm.bccSelf": "自分を BCC に追加する",
  "accountForm.bccSelfHint": "CRM から送信したメールを、このメールボックスにも届けます。",
  "accountForm.saveSentCopy": "送信済みメールを「送信済み」フォルダーに保存する",
  "accountForm.saveSentCopyHint": "Gmail と Microsoft 365 では送信済みメールが自動で保存されるため、オフのままにしてください（オンにすると二重に保存されます）。",
  "accountForm.sentFolder": "送信済みフォルダー",
  "accountForm.sentFolderAuto": "自動で検出する",
  "accountForm.sentFolderAutoDetected": "自動で検出する（現在: {folder}）",
  "accountForm.sentFolderHint": "接続テストを実行すると、メールボックスのフォルダー一覧から選べます。",
  "accountForm.sentFolderLoaded": "サーバー上のフォルダー: {count} 件",
  "accountForm.loadFolders": "フォルダーを読み込む",
  "accountForm.loadingFolders": "フォルダーを読み込み中…",
  "accountForm.syncFolders": "同期するフォルダー",
  "accountForm.syncFoldersDefault": "受信トレイと送信済みフォルダー（既定）",
  "accountForm.syncFoldersHint": "接続テストを実行すると、他のフォルダーも選べます。",
  "accountForm.syncFoldersReset": "既定に戻す",
  "accountForm.folderSent": "送信済み",
  "accountForm.folderInbox": "受信トレイ",
  "accountForm.folderWithRole": "{name}（{role}）",
  "accountForm.initialSyncDays": "初回同期の対象期間",
  "accountForm.initialSyncDaysUnit": "日前まで",
  "accountForm.initialSyncDaysHint": "これより古いメールは初回同期で取り込みません。既定は 90 日です。",
  "accountForm.sharingMode": "このメールボックスのメールを CRM で閲覧できる人",
  "accountForm.sharing.private": "担当者のみ",
  "accountForm.sharing.privateHint": "このメールボックスのメールは、他のメンバーの連絡先履歴には表示されません。",
  "accountForm.sharing.custom": "指定した連絡先とのメール",
  "accountForm.sharing.customHint": "下で指定した連絡先とのメールは全員が閲覧できます。それ以外は担当者のみです。",
  "accountForm.sharing.public": "全員",
  "accountForm.sharing.publicHint": "CRM の連絡先とのメールは、その連絡先を閲覧できる全員に表示されます。",
  "accountForm.sharingContacts": "共有する連絡先",
  "accountForm.sharingContactsSearch": "追加する連絡先を検索",
  "accountForm.sharingContactsEmpty": "連絡先はまだ指定されていません。",
  "accountForm.sharingContactRemove": "{name} を削除",
  "accountForm.excludedDomains": "除外するドメイン",
  "accountForm.excludedDomainsHint": "これらのドメインとのメールは、上の設定にかかわらず担当者のみが閲覧できます。1 行に 1 件入力してください（例: example.co.jp）。",
  "accountForm.insecureOn": "このメールボックスでは証明書の検証が無効になっています。",
  "accountForm.testIntro": "フォームに入力中の設定で、名前解決、接続、暗号化、サインイン、フォルダー、送信サーバーを順に確認します。設定は保存されません。",
  "accountForm.test": "接続テスト",
  "accountForm.testing": "テスト中…",
  "accountForm.testMail": "テストメールを送信",
  "accountForm.testMailSending": "送信中…",
  "accountForm.testMailHint": "{email} 宛てにテストメールを送信し、送信済みフォルダーに保存します。",
  "accountForm.testMailSaveFirst": "テストメールは、メールボックスを保存してから送信できます。",
  "accountForm.testNeedsPassword": "接続テストを行うには、パスワードを入力してください。",
  "accountForm.testNeedsPasswordChanged": "サーバーの設定が変更されています。変更後の設定をテストするには、パスワードをもう一度入力してください（保存済みのパスワードはブラウザーには送られません）。",
  "accountForm.testNeedsHost": "接続テストを行うには、受信サーバー（IMAP ホスト）を入力してください。",
  "accountForm.testOk": "すべての確認項目に問題はありません。",
  "accountForm.testFailed": "次の項目でテストが失敗しました: {step}",
  "accountForm.testMailOk": "テストメールを送信し、保存しました。",
  "accountForm.testMailFailed": "テストメールは次の項目で失敗しました: {step}",
  "accountForm.testUnavailable": "このサーバーでは、接続テストはまだご利用いただけません。",
  "accountForm.testStale": "このテストの後に設定が変更されています。",
  "accountForm.cause": "原因",
  "accountForm.fix": "対処方法",
  "accountForm.providerSteps": "{provider} での手順",
  "accountForm.providerStepsGeneric": "メールサービスでの手順",
  "accountForm.serverReply": "サーバーからの応答（原文）",
  "accountForm.notRun": "未実行",
  "accountForm.saveAdd": "メールボックスを追加",
  "accountForm.savingTesting": "接続を確認して保存しています…",
  "accountForm.saveFailedTest": "接続テストに失敗したため、メールボックスは保存されていません。",
  "accountForm.saveDisabled": "同期を無効にして保存",
  "accountForm.saveDisabledHint": "同期を停止した状態で設定を保存し、後から修正できるようにします。接続テストに成功して同期を有効にするまで、メールは取り込まれません。",
  "accountForm.savedDisabled": "メールボックス {email} を同期停止の状態で保存しました。",
  "accountForm.syncNow": "今すぐ同期",
  "accountForm.lastRun": "前回の実行",
  "accountForm.progress": "初回同期",
  "accountForm.noRun": "同期はまだ実行されていません。",
  "accountForm.started": "開始",
  "accountForm.ended": "終了",
  "accountForm.duration": "所要時間 {duration}",
  "accountForm.running": "実行中（{duration} 経過）",
  "accountForm.counts.folders": "フォルダー",
  "accountForm.counts.fetched": "取得",
  "accountForm.counts.matched": "連絡先と一致",
  "accountForm.counts.written": "保存",
  "accountForm.counts.skipped": "スキップ",

  "job.status.queued": "待機中",
  "job.status.running": "実行中",
  "job.status.done": "完了",
  "job.status.failed": "失敗",
  "job.status.skipped": "スキップ",
  "job.status.continued": "継続中",
  "job.reason.schedule": "定期実行",
  "job.reason.manual": "手動実行",
  "job.reason.continuation": "続きの処理",
  "job.reason.backfill": "連絡先アドレスの追加",

  "step.dns": "DNS の名前解決",
  "step.tcp": "接続（TCP）",
  "step.tls": "暗号化（TLS）",
  "step.imap_login": "IMAP サインイン",
  "step.folders": "フォルダーと送信済みフォルダーの確認",
  "step.smtp_login": "SMTP サインイン",
  "step.smtp_send": "テストメールの送信",
  "step.imap_append": "送信済みフォルダーへの保存",
  "step.protocol.imap": "IMAP",
  "step.protocol.smtp": "SMTP",
  "step.ms": "{ms} ミリ秒",

  "security.tls": "TLS（SSL）",
  "security.starttls": "STARTTLS",
  "security.none": "なし（暗号化しない）",

  "contacts.title": "連絡先",
  "contacts.subtitle": "連絡先を開くと、その相手とやり取りしたすべてのメールを確認できます。",
  "contacts.searchLabel": "連絡先を検索",
  "contacts.searchPlaceholder": "氏名・会社名・メールアドレス",
  "contacts.add": "連絡先を追加",
  "contacts.empty": "連絡先はまだありません。",
  "contacts.emptyHint": "連絡先を追加すると、その相手とのメール履歴を表示できます。",
  "contacts.noMatch": "「{q}」に一致する連絡先はありません。",
  "contacts.count": "{count} 件",
  "contacts.col.name": "氏名",
  "contacts.col.company": "会社名",
  "contacts.col.email": "メールアドレス",
  "contacts.col.otherEmails": "その他のアドレス",
  "contacts.col.created": "登録日",

  "contactForm.name": "氏名",
  "contactForm.company": "会社名",
  "contactForm.primaryEmail": "メインのメールアドレス",
  "contactForm.secondaryEmails": "その他のメールアドレス",
  "contactForm.secondaryHint": "1 行に 1 件、またはカンマ区切りで入力してください。",
  "contactForm.created": "連絡先「{name}」を追加しました。",
  "contactForm.saved": "連絡先「{name}」を保存しました。",

  "contact.back": "連絡先一覧",
  "contact.emails": "メールアドレス",
  "contact.primary": "メイン",
  "contact.company": "会社名",
  "contact.added": "{date} に登録",
  "contact.editTitle": "連絡先を編集",
  "contact.deleteTitle": "この連絡先を削除しますか？",
  "contact.deleteBody": "「{name}」を CRM から削除します。この操作は取り消せません。",
  "contact.deleted": "連絡先「{name}」を削除しました。",
  "contact.notFound": "この連絡先は存在しないか、削除されています。",
  "contact.messages": "メール履歴",
  "contact.messagesShown": "{count} 件を表示中",
  "contact.messagesAll": "全 {count} 件",
  "contact.noMessages": "この連絡先とのメールはまだありません。",
  "contact.noMessagesHint": "接続済みメールボックスの次回同期後に、ここに表示されます。",
  "contact.loadMore": "さらに読み込む",
  "contact.loadingMore": "読み込み中…",
  "contact.noSubject": "（件名なし）",
  "contact.col.date": "日時",
  "contact.col.direction": "送受信",
  "contact.col.subject": "件名",
  "contact.col.counterpart": "相手先",
  "contact.col.owners": "メールボックス",

  "contact.filterOwner": "メールボックスの担当者",
  "contact.filterOwnerAll": "すべてのメールボックス",
  "contact.refresh": "最新の情報に更新",
  "contact.threadCount": "{count} 件",
  "contact.threadExpand": "この会話のメール {count} 件をすべて表示",
  "contact.threadCollapse": "最新のメールだけを表示",
  "contact.threads": "{count} 件の会話",
  "contact.attachmentsCount": "添付ファイル {count} 件",
  "contact.noMessagesOwner": "{owner} さんのメールボックスには、この連絡先とのメールはありません。",
  "contact.openMessage": "メールを開く: {subject}",

  "message.title": "メール",
  "message.close": "閉じる",
  "message.from": "差出人",
  "message.to": "宛先",
  "message.cc": "CC",
  "message.replyTo": "返信先",
  "message.date": "日時",
  "message.subject": "件名",
  "message.mailbox": "メールボックスの担当者",
  "message.messageId": "Message-ID",
  "message.attachments": "添付ファイル",
  "message.noAttachments": "添付ファイルはありません。",
  "message.unnamed": "（名前なし）",
  "message.body": "本文",
  "message.bodyLoading": "メールサーバーから本文を取得しています…",
  "message.bodyEmpty": "このメールには本文がありません。",
  "message.bodyTruncated": "本文が長いため、先頭部分のみを表示しています。",
  "message.bodyError": "本文を取得できませんでした: {error}",
  "message.bodyRetry": "再試行",
  "message.textOnly": "テキストとして表示しています。Web 上の画像やコンテンツは読み込みません。",
  "message.detailsError": "一部の情報を読み込めませんでした: {error}",

  "size.bytes": "{n} B",
  "size.kb": "{n} KB",
  "size.mb": "{n} MB",
  "duration.s": "{n} 秒",
  "duration.m": "{m} 分 {s} 秒",

  "direction.received": "受信",
  "direction.sent": "送信",

  "users.title": "ユーザー",
  "users.subtitle": "コンソールにサインインできるユーザーの一覧です。",
  "users.add": "ユーザーを追加",
  "users.empty": "ユーザーはいません。",
  "users.col.name": "氏名",
  "users.col.email": "メールアドレス",
  "users.col.role": "権限",
  "users.col.actions": "操作",
  "users.name": "氏名",
  "users.email": "メールアドレス",
  "users.password": "初期パスワード",
  "users.passwordHint": "ご本人に安全な方法でお伝えください。すぐにサインインできます。",
  "users.role": "権限",
  "users.you": "自分",
  "users.remove": "削除",
  "users.removeTitle": "このユーザーを削除しますか？",
  "users.removeBody": "{name}（{email}）はサインインできなくなります。",
  "users.created": "ユーザー「{name}」を追加しました。",
  "users.removed": "ユーザー「{name}」を削除しました。",
};

export const dictionaries: Record<Lang, Dictionary> = { en, ja };

/** Labels of the language switcher, each in its own language. */
export const LANGUAGES: { value: Lang; label: string }[] = [
  { value: "en", label: "English" },
  { value: "ja", label: "日本語" },
];

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const STORAGE_KEY = "crm-mail-sync.lang";

export function isLang(value: unknown): value is Lang {
  return value === "en" || value === "ja";
}

/** Saved choice first, then the browser's language (ja* -> Japanese), else English. */
export function initialLanguage(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: fall through
  }
  const preferred = [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  const first = preferred[0]?.toLowerCase() ?? "en";
  return first.startsWith("ja") ? "ja" : "en";
}

export function rememberLanguage(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

const LOCALES: Record<Lang, string> = { en: "en-GB", ja: "ja-JP" };

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** e.g. "12 Mar 2025, 14:05" / "2025/03/12 14:05". */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: lang === "ja" ? "2-digit" : "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

export function formatDate(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], { year: "numeric", month: lang === "ja" ? "2-digit" : "short", day: "2-digit" }).format(d);
}

/** Full date and time with weekday and zone, for tooltips. */
export function formatDateTimeLong(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "full", timeStyle: "long" }).format(d);
}

/** "5 minutes ago" / "5 分前". */
export function formatRelative(lang: Lang, iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "";
  const seconds = Math.round((d.getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(LOCALES[lang], { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(0, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), "day");
  return formatDate(lang, iso);
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({
  lang: "en",
  setLang: () => undefined,
  t: (key, params) => translate("en", key, params),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** "1,234" / "1,234". */
export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

/** "512 B", "14 KB", "2.5 MB" (1 KB = 1,024 bytes, as mail clients count). */
export function formatBytes(lang: Lang, bytes: number, t: Translate): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return t("size.bytes", { n: formatNumber(lang, bytes) });
  if (bytes < 1024 * 1024) return t("size.kb", { n: formatNumber(lang, Math.round(bytes / 1024)) });
  const mb = bytes / (1024 * 1024);
  return t("size.mb", { n: new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: mb < 10 ? 1 : 0 }).format(mb) });
}

/** "42 s" / "3 min 5 s" from milliseconds. */
export function formatDuration(ms: number, t: Translate): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return t("duration.s", { n: total });
  return t("duration.m", { m: Math.floor(total / 60), s: total % 60 });
}
