import type { Lang } from "../shared/i18n";

/**
 * What a person does at each provider to get a mailbox connected: the steps to get a password
 * that works over IMAP (or why none will), and the steps for the few situations the diagnosis
 * meets that need something else (IMAP access switched off, Google's "Please log in via your
 * web browser", Microsoft 365's Authenticated SMTP). The console shows them while a mailbox is
 * added and the diagnosis shows them after a failure: this file is their one source, in both
 * languages, and providers.ts attaches them to the presets.
 *
 * Sources, checked 2026: the providers' own help pages and Zoho CRM's app-password steps per
 * provider. Gmail app passwords need 2-Step Verification and are revoked when the account
 * password changes; Zoho needs an app password only under two-factor authentication, and IMAP
 * access switched on, in the data centre's own accounts site.
 */

type Steps = Record<Lang, readonly string[]>;

export interface ProviderSteps {
  /** Short numbered steps to get a password that works over IMAP (or why none will). */
  appPasswordSteps: Steps;
  /** How to switch IMAP access on, where the provider lets it be off. */
  imapAccessSteps?: Steps;
  /** Google: what to do after "Please log in via your web browser". */
  webLoginSteps?: Steps;
  /** Microsoft 365: how password sign-in for sending (Authenticated SMTP) is allowed. */
  smtpAuthSteps?: Steps;
  /** OAuth2: the sign-in worked but the mail server refused the token (IMAP or SMTP AUTH off for the mailbox). */
  oauthMailSteps?: Steps;
  /** Microsoft 365 OAuth2: how an administrator grants the app admin consent. */
  adminConsentSteps?: Steps;
}

const microsoftOAuth = {
  en: 'Use OAuth: connect the mailbox with "Sign in with Microsoft".',
  ja: "OAuth を使ってください:「Microsoft でサインイン」でメールボックスを接続します。",
};

const yahooJapanSteps: Steps = {
  en: [
    'Sign in to Yahoo! JAPAN Mail on the web and open Settings → "IMAP/POP/SMTP access and mail forwarding".',
    'Choose "Also allow access from services other than Yahoo! JAPAN official ones" and save.',
    'The user name is the part of your address before "@"; the password is your Yahoo! JAPAN ID password (set one first if you sign in without a password).',
  ],
  ja: [
    "Web版 Yahoo!メールにログインし、［設定］→［IMAP/POP/SMTPアクセスとメール転送］を開きます。",
    "「Yahoo! JAPAN公式サービス以外からのアクセスも有効にする」を選んで保存します。",
    "ユーザー名はメールアドレスの「@」より前の部分です。パスワードは Yahoo! JAPAN ID のパスワードです（パスワードなしでログインしている場合は先に設定してください）。",
  ],
};

export const PROVIDER_STEPS = {
  gmail: {
    appPasswordSteps: {
      en: [
        "Turn on 2-Step Verification for your Google Account (Google Account → Security).",
        "Open https://myaccount.google.com/apppasswords.",
        'Enter a name such as "CRM Mail Sync" and click Create.',
        "Copy the 16-character password and paste it here as the password. It stops working when you change your Google password.",
        "Check that IMAP is on: Gmail → Settings → Forwarding and POP/IMAP → Enable IMAP (Google Workspace: your administrator may have to allow it).",
      ],
      ja: [
        "Google アカウントで2段階認証プロセスを有効にします（Google アカウント →［セキュリティ］）。",
        "https://myaccount.google.com/apppasswords を開きます。",
        "「CRM Mail Sync」などの名前を入力して［作成］をクリックします。",
        "表示された16文字のパスワードをコピーし、ここのパスワード欄に貼り付けます。Google アカウントのパスワードを変更すると使えなくなります。",
        "IMAPが有効か確認します: Gmail の［設定］→［メール転送と POP/IMAP］→［IMAP を有効にする］（Google Workspace では管理者の許可が必要な場合があります）。",
      ],
    },
    imapAccessSteps: {
      en: [
        "Open Gmail in a browser and click Settings (the gear), then See all settings.",
        "Open the Forwarding and POP/IMAP tab.",
        "Select Enable IMAP and click Save Changes.",
        "Google Workspace: an administrator may also have to allow IMAP for your organisation.",
      ],
      ja: [
        "ブラウザで Gmail を開き、設定（歯車）→「すべての設定を表示」をクリックします。",
        "「メール転送と POP/IMAP」タブを開きます。",
        "「IMAP を有効にする」を選び、「変更を保存」をクリックします。",
        "Google Workspace の場合は、管理者が組織で IMAP を許可する必要があることもあります。",
      ],
    },
    webLoginSteps: {
      en: [
        "In a web browser on a device you normally use, sign in to your Google Account.",
        "Open Security and look at recent security activity; if Google asks whether the blocked sign-in was you, answer Yes.",
        "Create an app password (Security, 2-Step Verification, App passwords) and enter it here.",
        "Test again within a few minutes.",
      ],
      ja: [
        "普段使っている端末のブラウザで Google アカウントにサインインします。",
        "「セキュリティ」で最近のセキュリティ アクティビティを開き、ブロックされたログインについて確認を求められたら「はい」と答えます。",
        "アプリパスワードを作成し（「セキュリティ」→「2段階認証プロセス」→「アプリ パスワード」）、ここに入力します。",
        "数分以内にもう一度テストします。",
      ],
    },
  },
  microsoft365: {
    appPasswordSteps: {
      en: [
        "Password sign-in is disabled: Microsoft has turned off basic authentication for IMAP, and SMTP AUTH with a password is off by default for tenants from the end of December 2026. App passwords do not help.",
        microsoftOAuth.en,
        "If that sign-in is refused, ask your Microsoft 365 administrator to allow IMAP and Authenticated SMTP for your mailbox.",
      ],
      ja: [
        "パスワードでのサインインは無効です。Microsoft は IMAP の基本認証を廃止し、SMTP AUTH のパスワード認証も2026年12月末以降のテナントでは既定で無効です。アプリパスワードでも接続できません。",
        microsoftOAuth.ja,
        "サインインが拒否される場合は、Microsoft 365 の管理者にメールボックスの IMAP と SMTP 認証（Authenticated SMTP）の許可を依頼してください。",
      ],
    },
    smtpAuthSteps: {
      en: [
        "In the Microsoft 365 admin center, open Users, Active users, and select the user.",
        "Open the Mail tab, then Manage email apps; tick Authenticated SMTP and save.",
        'If the server says "SmtpClientAuthentication is disabled for the Tenant", an Exchange administrator must allow SMTP AUTH for the organisation, or connect with "Sign in with Microsoft" (OAuth).',
      ],
      ja: [
        "Microsoft 365 管理センターで「ユーザー」→「アクティブなユーザー」を開き、対象のユーザーを選びます。",
        "「メール」タブの「メール アプリの管理」で「認証済み SMTP」にチェックを入れて保存します。",
        "「SmtpClientAuthentication is disabled for the Tenant」と表示される場合は、Exchange 管理者が組織の SMTP AUTH を許可するか、「Microsoft でサインイン」（OAuth）で接続してください。",
      ],
    },
    oauthMailSteps: {
      en: [
        "The sign-in worked, but the mail server refused it: IMAP or SMTP AUTH is probably switched off for this mailbox.",
        "In the Microsoft 365 admin center, open Users, Active users, select the user, then Mail, Manage email apps.",
        "Tick IMAP and Authenticated SMTP, save, wait a few minutes and test again.",
      ],
      ja: [
        "サインインは成功しましたが、メールサーバーが接続を拒否しました。このメールボックスで IMAP または SMTP 認証が無効になっている可能性があります。",
        "Microsoft 365 管理センターで「ユーザー」→「アクティブなユーザー」を開き、対象のユーザーを選んで「メール」→「メール アプリの管理」を開きます。",
        "「IMAP」と「認証済み SMTP」にチェックを入れて保存し、数分待ってからもう一度テストします。",
      ],
    },
    adminConsentSteps: {
      en: [
        'A Microsoft Entra administrator opens Enterprise applications, finds CRM Mail Sync (or opens the consent link), and clicks "Grant admin consent".',
        "The app asks for IMAP.AccessAsUser.All, SMTP.Send and offline_access (Office 365 Exchange Online).",
        "Then connect the mailbox again.",
      ],
      ja: [
        "Microsoft Entra の管理者が「エンタープライズ アプリケーション」で CRM Mail Sync を開き（または同意用のリンクを開き）、「管理者の同意を与えます」をクリックします。",
        "アプリが求める権限は IMAP.AccessAsUser.All、SMTP.Send、offline_access（Office 365 Exchange Online）です。",
        "その後、もう一度メールボックスを接続します。",
      ],
    },
  },
  outlook: {
    appPasswordSteps: {
      en: ["Password sign-in is disabled: Outlook.com ended app passwords and basic authentication in September 2024.", microsoftOAuth.en],
      ja: ["パスワードでのサインインは無効です。Outlook.com は2024年9月にアプリパスワードと基本認証を廃止しました。", microsoftOAuth.ja],
    },
  },
  yahoo: {
    appPasswordSteps: {
      en: [
        "Sign in to Yahoo and open Account Info → Account Security.",
        'Click "Generate app password" (two-step verification must be on).',
        'Enter an app name such as "CRM Mail Sync" and click Generate.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "Yahoo にサインインし、［アカウント情報］→［アカウントのセキュリティ］を開きます。",
        "［アプリパスワードを生成］をクリックします（2段階認証が有効である必要があります）。",
        "「CRM Mail Sync」などのアプリ名を入力して［生成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
  },
  // Yahoo! JAPAN takes the ID's own password; what can be off is the access from mail apps.
  yahoo_japan: { appPasswordSteps: yahooJapanSteps, imapAccessSteps: yahooJapanSteps },
  icloud: {
    appPasswordSteps: {
      en: [
        "Turn on two-factor authentication for your Apple Account.",
        "Sign in at https://account.apple.com and open Sign-In and Security → App-Specific Passwords.",
        'Click "+", enter a label such as "CRM Mail Sync" and click Create.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "Apple アカウントの2ファクタ認証を有効にします。",
        "https://account.apple.com にサインインし、［サインインとセキュリティ］→［App用パスワード］を開きます。",
        "［+］をクリックし、「CRM Mail Sync」などのラベルを入力して［作成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
  },
  aol: {
    appPasswordSteps: {
      en: [
        "Sign in to AOL and open Account Info → Account Security.",
        'Click "Generate app password".',
        'Enter an app name such as "CRM Mail Sync" and click Generate.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "AOL にサインインし、［アカウント情報］→［アカウントのセキュリティ］を開きます。",
        "［アプリパスワードを生成］をクリックします。",
        "「CRM Mail Sync」などのアプリ名を入力して［生成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
  },
  other: {
    appPasswordSteps: {
      en: [
        "If your mailbox uses two-step verification, create an app password in your mail provider's security settings and enter it here instead of your usual password.",
        "If the servers are not detected, ask your IT team for the IMAP and SMTP server names, ports and security.",
      ],
      ja: [
        "2段階認証を使っている場合は、メールサービスのセキュリティ設定でアプリパスワードを作成し、通常のパスワードの代わりにここに入力します。",
        "サーバーが自動で検出されない場合は、IT担当者に IMAP と SMTP のサーバー名、ポート、暗号化方式を確認してください。",
      ],
    },
  },
} satisfies Record<string, ProviderSteps>;

/**
 * Zoho's steps for one data centre: app passwords are made on that centre's own accounts site
 * (accounts.zoho.eu for an EU account), and are needed only under two-factor authentication.
 */
export function zohoSteps(accountsHost: string, organisation: boolean): ProviderSteps {
  const imapAccess = {
    en: `Turn on IMAP: in Zoho Mail open Settings → Mail Accounts → IMAP and tick "IMAP Access"${organisation ? " (your organisation's administrator may have to allow IMAP first)" : ""}.`,
    ja: `IMAPを有効にします。Zoho メールの［設定］→［メールアカウント］→［IMAP］で「IMAPアクセス」にチェックを入れます${organisation ? "（組織の管理者がIMAPを許可している必要があります）" : ""}。`,
  };
  return {
    appPasswordSteps: {
      en: [
        imapAccess.en,
        `If two-factor authentication is on, sign in at https://${accountsHost}, open Security → App Passwords and click "Generate New Password".`,
        `Enter a name such as "CRM Mail Sync" and your current Zoho password, then click Generate.`,
        "Copy the password (it is shown only once) and paste it here as the password.",
      ],
      ja: [
        imapAccess.ja,
        `2段階認証を有効にしている場合は https://${accountsHost} にサインインし、［セキュリティ］→［アプリケーション固有のパスワード］で［新しいパスワードを生成］をクリックします。`,
        "「CRM Mail Sync」などの端末名と現在のZohoアカウントのパスワードを入力し、［生成］をクリックします。",
        "表示されたパスワード（一度だけ表示されます）をコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
    imapAccessSteps: { en: [imapAccess.en], ja: [imapAccess.ja] },
  };
}
