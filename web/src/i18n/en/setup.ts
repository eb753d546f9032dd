// English text: the admin's first-run checklist. ja/setup.ts must have exactly the same keys.
export const setup = {
  "setup.title": "Get your team started",
  "setup.progress": "{done} of {total} done",
  "setup.dismiss": "Hide this list",
  "setup.step.password": "Change the password you were given",
  "setup.step.password.hint": "The first administrator's password was generated or shared: set one only you know.",
  "setup.step.domain": "Pin your company's mail servers",
  "setup.step.domain.hint": "Then everyone connects their mailbox with just their address and password.",
  "setup.step.users": "Add your team",
  "setup.step.users.hint": "One user per salesperson, with their work address.",
  "setup.step.mailboxes": "Connect everyone's mailbox",
  "setup.step.mailboxes.hint": "Each person connects their own, or you connect it for them: it belongs to the person whose address it is.",
  "setup.step.mailboxes.count": "{count} of {total|# user|# users} connected",
  "setup.step.contacts": "Import your contacts",
  "setup.step.contacts.hint": "A CSV from your CRM or spreadsheet: their mail history fills in on its own.",
  "setup.go": "Open",
  "setup.done": "Done",
} as const;
