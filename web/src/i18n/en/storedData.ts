// English text: what the sync stores from mail and what it does not (#/stored-data). Every
// sentence here is checked against the code by test/integration/stored-data.test.ts where a
// test can see it; change the code and this page together. ja/storedData.ts has the same keys.
export const storedData = {
  "storedData.title": "What is stored from your mail",
  "storedData.subtitle": "Exactly what CRM Mail Sync copies from a connected mailbox into the CRM's database, and what it leaves on the mail server.",
  "storedData.link": "What is stored from mail",
  "storedData.formLink": "What exactly is stored from this mailbox (opens in a new tab)",

  "storedData.which.title": "Which messages",
  "storedData.which.contacts":
    "Only messages in the synced folders with at least one contact among `From`, `To`, `Cc`, `Bcc` or `Reply-To`. A message with no contact in it is read and left alone: nothing of it is stored.",
  "storedData.which.excluded":
    "Nothing is stored under an address in an excluded domain (the organisation's list or the mailbox's own), nor under the address of a user or a connected mailbox, even if someone made it a contact: mail between colleagues is not logged.",
  "storedData.which.window": "The first sync reaches back as many days as the mailbox says (90 by default); older mail is not read.",

  "storedData.stored.title": "Stored for each of those messages",
  "storedData.stored.headers": "Header fields: `Message-ID`, date, subject, and the names and addresses in `From`, `To` and `Cc`.",
  "storedData.stored.thread": "`In-Reply-To`, and digests (hashes) of the `Message-ID`s in `References`, to group a conversation.",
  "storedData.stored.preview": "A preview: up to the first 280 characters of the message's text, as plain text.",
  "storedData.stored.attachments": "The names, types and sizes of attachments (not their content).",
  "storedData.stored.size": "The message's size in bytes.",
  "storedData.stored.place":
    "Where the message is: which mailbox, its owner, the folder and the message's number in it, and whether the mailbox sent it, the contact sent it, or someone else did. One copy of this per contact address and per mailbox holding the message.",

  "storedData.notStored.title": "Not stored",
  "storedData.notStored.body": "The body of a message. When someone opens a message in the CRM, its text is fetched from the mail server at that moment, shown, and not saved.",
  "storedData.notStored.attachments": "The content of attachments.",
  "storedData.notStored.bcc": "`Bcc` and `Reply-To` addresses: they are only used to find the contacts a message concerns.",
  "storedData.notStored.otherHeaders": "Any other header (`Received`, routing, authentication and mailer headers).",
  "storedData.notStored.passwords":
    "Mailbox passwords and sign-in tokens. They are kept only in the secret store (`AWS Secrets Manager`, or an encrypted file when run locally), never in the database, the logs or the console's replies.",

  "storedData.removal.title": "When copies are removed",
  "storedData.removal.text":
    "Disconnecting a mailbox deletes the copies it stored. Adding a domain to the excluded domains deletes the copies stored under its addresses. Deleting a contact deletes the copies stored under addresses no other contact has.",

  "storedData.sent.title": "Mail written in the CRM",
  "storedData.sent.text": "A message you write and send from the CRM is the exception: its text and attachments are kept with it, as your mail server keeps a copy in Sent.",
} as const;
