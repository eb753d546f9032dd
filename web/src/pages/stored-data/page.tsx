// What the sync stores from mail and what it does not (#/stored-data): the data-transparency
// page a company's staff and works council read before connecting mailboxes. The sentences
// are in web/src/i18n/{en,ja}/storedData.ts; test/integration/stored-data.test.ts checks the
// claims a test can see against what a real sync writes.
import { PageHeader } from "../../components";
import { useI18n, type MessageKey } from "../../i18n";

const SECTIONS: { id: string; title: MessageKey; items: MessageKey[] }[] = [
  { id: "which", title: "storedData.which.title", items: ["storedData.which.contacts", "storedData.which.excluded", "storedData.which.window"] },
  {
    id: "stored",
    title: "storedData.stored.title",
    items: [
      "storedData.stored.headers",
      "storedData.stored.thread",
      "storedData.stored.preview",
      "storedData.stored.attachments",
      "storedData.stored.size",
      "storedData.stored.place",
    ],
  },
  {
    id: "not-stored",
    title: "storedData.notStored.title",
    items: ["storedData.notStored.body", "storedData.notStored.attachments", "storedData.notStored.bcc", "storedData.notStored.otherHeaders", "storedData.notStored.passwords"],
  },
  { id: "removal", title: "storedData.removal.title", items: ["storedData.removal.text"] },
  { id: "sent", title: "storedData.sent.title", items: ["storedData.sent.text"] },
];

/** Header names and product names are written `like this` in the sentences: shown as code, never translated. */
function withCode(text: string) {
  return text.split("`").map((part, i) =>
    i % 2 === 1 ? (
      <code key={i} translate="no">
        {part}
      </code>
    ) : (
      part
    ),
  );
}

export function StoredDataPage() {
  const { t } = useI18n();
  return (
    <div className="stored-data" data-testid="stored-data">
      <PageHeader title={t("storedData.title")} subtitle={t("storedData.subtitle")} />
      {SECTIONS.map((s) => (
        <section key={s.id} className="card stored-data__section" aria-labelledby={`stored-data-${s.id}`} data-testid={`stored-data-${s.id}`}>
          <h2 className="card__title" id={`stored-data-${s.id}`}>
            {t(s.title)}
          </h2>
          <ul className="stored-data__list">
            {s.items.map((key) => (
              <li key={key}>{withCode(t(key))}</li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
