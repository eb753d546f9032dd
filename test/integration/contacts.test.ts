import { afterAll, beforeAll, describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import type { LocalStack } from "../../core/local/stack";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { clearBackfill, pendingBackfills, SMALL_LIST } from "../../core/contacts/index";
import type { ApiClient } from "../support/api-client";
import { startApiStack } from "../support/api-stack";

// The real API handler behind the local gateway, on dynalite; the Main table is read directly
// only to check what the API cannot show (claims, backfill records).
let stack: LocalStack;
let admin: ApiClient;
let ja: ApiClient;
let db: Db;

beforeAll(async () => {
  ({ stack, admin, ja, db } = await startApiStack());
});
afterAll(async () => stack?.stop());

/** Every contact holding this external id, found through the whole list (not the claim). */
async function contactsWithExternalId(externalId: string): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = (await admin.get(`/api/contacts?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).body;
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all.filter((c) => c.externalId === externalId);
}

const backfillsFor = async (address: string) => (await pendingBackfills(db, { limit: 10_000 })).filter((b) => b.address === address);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("create, update, delete", () => {
  it("records a backfill for every address a contact gains, and none for the addresses it keeps", async () => {
    // Prepare / Act: create with two addresses
    const created = await admin.post("/api/contacts", { name: "Backfill Person", primaryEmail: " BF.Person@Example.test ", secondaryEmails: ["bf.other@example.test"] });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Assess: normalised (dots kept), and one BACKFILL item per address naming the contact
    expect(created.body).toMatchObject({ primaryEmail: "bf.person@example.test", secondaryEmails: ["bf.other@example.test"] });
    const first = await backfillsFor("bf.person@example.test");
    expect(first).toEqual([expect.objectContaining({ address: "bf.person@example.test", contactId: id })]);
    expect(first[0]!.sk).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z#bf\.person@example\.test$/);
    expect(await backfillsFor("bf.other@example.test")).toHaveLength(1);

    // Act: add a secondary address, rename
    const updated = await admin.patch(`/api/contacts/${id}`, { name: "Renamed", secondaryEmails: ["bf.other@example.test", "BF.New@example.test"] });
    expect(updated.status).toBe(200);
    // Assess: only the new address gets a second record
    expect(await backfillsFor("bf.new@example.test")).toEqual([expect.objectContaining({ contactId: id })]);
    expect(await backfillsFor("bf.person@example.test")).toHaveLength(1);
    expect(await backfillsFor("bf.other@example.test")).toHaveLength(1);

    // a reader that has handled the first record asks only for what came after it
    const later = await pendingBackfills(db, { after: first[0]!.sk, limit: 10_000 });
    expect(later.some((b) => b.sk === first[0]!.sk)).toBe(false);
    expect(later.some((b) => b.address === "bf.new@example.test")).toBe(true);

    // clearBackfill takes one off the list
    await clearBackfill(db, first[0]!.sk);
    expect(await backfillsFor("bf.person@example.test")).toEqual([]);

    // Delete: gone from reads and from the address index
    expect((await admin.del(`/api/contacts/${id}`)).status).toBe(204);
    expect((await admin.get(`/api/contacts/${id}`)).status).toBe(404);
    expect((await admin.get("/api/contacts?q=bf.new@example.test")).body.items).toEqual([]);
    const index = await db.get("main", keys.contactEmail("bf.new@example.test"));
    expect(index?.contactIds?.has(id) ?? false).toBe(false);
  });

  it("keeps an external id to one contact and frees it when the contact goes", async () => {
    const a = await admin.post("/api/contacts", { name: "Ext A", primaryEmail: "ext.a@example.test", externalId: "EXT-UNIQUE" });
    expect(a.status).toBe(201);
    const b = await ja.post("/api/contacts", { name: "Ext B", primaryEmail: "ext.b@example.test", externalId: "EXT-UNIQUE" });
    expect(b.status).toBe(409);
    expect(b.body.error).toMatchObject({ code: "contact_external_id_taken", message: "この外部IDは既に別の連絡先で使われています。" });
    expect(b.body.error.fields).toEqual([{ field: "externalId", code: "external_id_taken", message: "既に別の連絡先で使われています。" }]);
    const other = await admin.post("/api/contacts", { name: "Ext C", primaryEmail: "ext.c@example.test" });
    expect((await admin.patch(`/api/contacts/${other.body.id}`, { externalId: "EXT-UNIQUE" })).status).toBe(409);

    expect((await admin.del(`/api/contacts/${a.body.id}`)).status).toBe(204);
    expect(await db.get("main", keys.contactExternal("EXT-UNIQUE"))).toBeUndefined();
    const moved = await admin.patch(`/api/contacts/${other.body.id}`, { externalId: "EXT-UNIQUE" });
    expect(moved.status).toBe(200);
    expect((await db.get("main", keys.contactExternal("EXT-UNIQUE")))?.contactId).toBe(other.body.id);
  });
});

describe("bulk upsert by external id", () => {
  const rows = [
    { externalId: "crm-1", name: "Ichiro Suzuki", company: "Suzuki Trading", primaryEmail: "ichiro@suzuki.example", secondaryEmails: ["i.suzuki@gmail.example"] },
    { externalId: "crm-2", name: "Hanako Sato", primaryEmail: "Hanako@Sato.example" },
    { externalId: "crm-3", name: "山田 太郎", company: "株式会社サンプル", primaryEmail: "taro@yamada.example" },
  ];

  it("creates once, then answers unchanged for the same payload and writes nothing", async () => {
    // Act
    const first = await admin.post("/api/contacts/bulk", { contacts: rows });
    // Assess
    expect(first.status).toBe(200);
    expect(first.body.counts).toEqual({ created: 3, updated: 0, unchanged: 0, error: 0 });
    expect(first.body.results.map((r: any) => [r.index, r.externalId, r.status])).toEqual([
      [0, "crm-1", "created"],
      [1, "crm-2", "created"],
      [2, "crm-3", "created"],
    ]);
    const stored = await admin.get(`/api/contacts/${first.body.results[0].id}`);
    const second = await admin.post("/api/contacts/bulk", { contacts: rows });
    expect(second.body.counts).toEqual({ created: 0, updated: 0, unchanged: 3, error: 0 });
    expect(second.body.results.map((r: any) => r.id)).toEqual(first.body.results.map((r: any) => r.id));
    expect((await admin.get(`/api/contacts/${first.body.results[0].id}`)).body.updatedAt).toBe(stored.body.updatedAt);
    for (const r of rows) expect(await contactsWithExternalId(r.externalId)).toHaveLength(1);
    expect(await backfillsFor("i.suzuki@gmail.example")).toHaveLength(1);
  });

  it("updates the same contact when the CRM changes it; a row is the full state", async () => {
    const changed = [{ ...rows[0]!, secondaryEmails: ["i.suzuki@gmail.example", "ichiro@new.example"] }, { ...rows[1]! }, { ...rows[2]!, company: undefined }];
    const reply = await admin.post("/api/contacts/bulk", { contacts: changed });
    expect(reply.body.counts).toEqual({ created: 0, updated: 2, unchanged: 1, error: 0 });
    const [one, , three] = reply.body.results;
    expect((await admin.get(`/api/contacts/${one.id}`)).body.secondaryEmails).toEqual(["i.suzuki@gmail.example", "ichiro@new.example"]);
    expect((await admin.get(`/api/contacts/${three.id}`)).body.company).toBeNull();
    expect(await backfillsFor("ichiro@new.example")).toEqual([expect.objectContaining({ contactId: one.id })]);
  });

  it("makes one contact per external id when identical bulk calls race", async () => {
    // Prepare: 30 new external ids, sent by 4 callers at once
    const payload = { contacts: Array.from({ length: 30 }, (_, i) => ({ externalId: `race-${i}`, name: `Racer ${i}`, primaryEmail: `racer${i}@race.example` })) };
    // Act
    const replies = await Promise.all([1, 2, 3, 4].map(() => admin.post("/api/contacts/bulk", payload)));
    // Assess: every call succeeded, each row was created by exactly one call, one contact each
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (let i = 0; i < 30; i++) {
      const statuses = replies.map((r) => r.body.results[i].status).sort();
      expect(statuses, `race-${i}`).toEqual(["created", "unchanged", "unchanged", "unchanged"]);
      expect(new Set(replies.map((r) => r.body.results[i].id)).size).toBe(1);
    }
    const all = await contactsWithExternalId("race-7");
    expect(all).toHaveLength(1);
    expect((await admin.get("/api/contacts?q=racer7@race.example")).body.items).toHaveLength(1);
  });

  it("answers each bad row with its reasons in the user's language and still writes the good rows", async () => {
    const reply = await ja.post("/api/contacts/bulk", {
      contacts: [
        { externalId: "bad-1", name: "", primaryEmail: "not-an-email" },
        { externalId: "ok-1", name: "Good Row", primaryEmail: "good.row@example.test" },
        { externalId: "ok-1", name: "Same id again", primaryEmail: "again@example.test" },
        { name: "No id", primaryEmail: "noid@example.test", nickname: "x" },
        "not an object",
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, error: 4 });
    const errors = reply.body.results.map((r: any) => Object.fromEntries(r.errors.map((e: any) => [e.field, e.message])));
    expect(errors[0]).toEqual({ name: "必須です。", primaryEmail: "有効なメールアドレスを入力してください。" });
    expect(errors[1]).toEqual({});
    expect(errors[2]).toEqual({ externalId: "このリクエストの1番目（0から数えて）と重複しています。" });
    expect(errors[3]).toEqual({ externalId: "必須です。", nickname: "不明な項目です。" });
    expect(reply.body.results[4].status).toBe("error");
    expect(await contactsWithExternalId("bad-1")).toEqual([]);
    expect(await contactsWithExternalId("ok-1")).toHaveLength(1);
  });

  it("finishes a contact whose creation stopped after claiming its external id, under the claimed id", async () => {
    // Prepare: a claim without its contact, as a crash between the two writes leaves it
    await db.put("main", { ...keys.contactExternal("crash-1"), contactId: "ghost-contact", claimedAt: new Date().toISOString() });
    // Act
    const reply = await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crash-1", name: "Half Made", primaryEmail: "half@example.test" }] });
    // Assess: the same id, found by address, and a delete frees the external id again
    expect(reply.body.results[0]).toMatchObject({ status: "created", id: "ghost-contact" });
    expect((await admin.get("/api/contacts?q=half@example.test")).body.items.map((c: any) => c.id)).toEqual(["ghost-contact"]);
    expect((await admin.del("/api/contacts/ghost-contact")).status).toBe(204);
    expect(await db.get("main", keys.contactExternal("crash-1"))).toBeUndefined();
    const again = await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crash-1", name: "Half Made", primaryEmail: "half@example.test" }] });
    expect(again.body.results[0].status).toBe("created");
    expect(again.body.results[0].id).not.toBe("ghost-contact");
  });

  it("takes over a contact typed in by hand when the CRM sends its address with a new external id", async () => {
    const manual = await admin.post("/api/contacts", { name: "Typed By Hand", primaryEmail: "manual@example.test" });
    const reply = await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crm-manual", name: "Typed By Hand", primaryEmail: "manual@example.test" }] });
    expect(reply.body.results[0]).toMatchObject({ status: "updated", id: manual.body.id });
    expect((await admin.get(`/api/contacts/${manual.body.id}`)).body.externalId).toBe("crm-manual");
  });

  it("refuses a row that would make a second contact for a primary address another CRM record holds", async () => {
    const first = await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crm-first", name: "First Holder", primaryEmail: "held@example.test" }] });
    expect(first.body.results[0].status).toBe("created");
    const reply = await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crm-second", name: "Second Try", primaryEmail: "Held@example.test" }] });
    expect(reply.body.results[0]).toMatchObject({ status: "error", id: null, errors: [{ field: "primaryEmail", code: "primary_email_taken" }] });
    expect(reply.body.results[0].errors[0].message).toContain("First Holder");
    expect((await admin.get("/api/contacts?q=held@example.test")).body.items.map((c: { id: string }) => c.id)).toEqual([first.body.results[0].id]);
  });

  it("shows in the import preview that a row giving another CRM record's primary address is refused, as the import then refuses it", async () => {
    await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crm-owner", name: "Address Owner", primaryEmail: "owned@example.test" }] });
    const file = {
      filename: "crm.csv",
      contentBase64: Buffer.from("external_id,name,email\r\ncrm-other,Other Record,owned@example.test\r\ncrm-new,New Person,new-person@example.test\r\n").toString("base64"),
    };
    const preview = await admin.post("/api/contacts/import/preview", file);
    expect(preview.status).toBe(200);
    expect(preview.body.rows.map((r: { action: string | null }) => r.action)).toEqual([null, "create"]);
    expect(preview.body.rows[0].errors).toMatchObject([{ field: "primaryEmail", code: "primary_email_taken" }]);
    expect(preview.body.counts).toMatchObject({ valid: 1, invalid: 1 });
    expect(preview.body.plan).toMatchObject({ create: 1, update: 0, unchanged: 0 });
    const imported = await admin.post("/api/contacts/import", file);
    expect(imported.body.rows.map((r: { status: string }) => r.status)).toEqual(["error", "created"]);
  });
});

describe("validation", () => {
  it("answers 400 with Japanese reasons for bad contacts, oversized bulk calls and bad files", async () => {
    const contact = await ja.post("/api/contacts", { name: " ", primaryEmail: "taro@", secondaryEmails: ["x"] });
    expect(contact.status).toBe(400);
    expect(contact.body.error.message).toBe("入力内容を確認してください。");
    expect(Object.fromEntries(contact.body.error.fields.map((f: any) => [f.field, f.message]))).toEqual({
      name: "必須です。",
      primaryEmail: "有効なメールアドレスを入力してください。",
      "secondaryEmails.0": "有効なメールアドレスを入力してください。",
    });

    const tooMany = await ja.post("/api/contacts/bulk", {
      contacts: Array.from({ length: 501 }, (_, i) => ({ externalId: `n${i}`, name: "N", primaryEmail: `n${i}@example.test` })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toEqual([{ field: "contacts", code: "too_many_items", message: "500件までです。" }]);
    expect((await ja.post("/api/contacts/bulk", { contacts: [] })).status).toBe(400);

    const notBase64 = await ja.post("/api/contacts/import/preview", { filename: "a.csv", contentBase64: "%%%not base64%%%" });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.fields).toEqual([{ field: "contentBase64", code: "invalid_base64", message: "ファイルの内容をbase64で指定してください。" }]);

    const workbook = await ja.post("/api/contacts/import/preview", { filename: "contacts.xlsx", contentBase64: base64(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0])) });
    expect(workbook.status).toBe(400);
    expect(workbook.body.error.code).toBe("csv_is_workbook");
    expect(workbook.body.error.message).toContain("Excelブック");

    const noEmail = await ja.post("/api/contacts/import", { filename: "a.csv", contentBase64: base64(iconv.encode("氏名,会社名\r\n山田,X\r\n", "cp932")) });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.message).toBe("メールアドレスの列がありません。1行目の列名を「メールアドレス」または「email」にしてください。");
  });
});

describe("CSV import", () => {
  // As Excel on Japanese Windows saves "CSV (comma delimited)": Shift_JIS (cp932), CRLF.
  const csv =
    "外部ID,氏名,会社名,メールアドレス,その他のメールアドレス\r\n" +
    "J-1,髙橋 一郎,株式会社テスト,Ichiro.Takahashi@Test.example,takahashi@gmail.example; ichiro.t@test.example\r\n" +
    'J-2,佐藤 花子,"サンプル, 大阪支店",hanako@sample.example,\r\n' +
    ",名前のみ,,not-an-email,\r\n" +
    ",外部IDなし,個人,noid@person.example,\r\n";
  const file = { filename: "連絡先.csv", contentBase64: base64(iconv.encode(csv, "cp932")) };

  it("previews a Shift_JIS file with row problems in Japanese and writes nothing, then imports it", async () => {
    // Act: preview
    const preview = await ja.post("/api/contacts/import/preview", file);
    // Assess
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ filename: "連絡先.csv", encoding: "shift_jis", counts: { rows: 4, valid: 3, invalid: 1 } });
    expect(preview.body.columns.map((c: any) => c.field)).toEqual(["externalId", "name", "company", "primaryEmail", "secondaryEmails"]);
    expect(preview.body.rows[0].values).toEqual({
      externalId: "J-1",
      name: "髙橋 一郎",
      // the file has no フリガナ column
      reading: null,
      company: "株式会社テスト",
      primaryEmail: "Ichiro.Takahashi@Test.example",
      secondaryEmails: ["takahashi@gmail.example", "ichiro.t@test.example"],
    });
    expect(preview.body.rows[2]).toMatchObject({ line: 4, errors: [{ field: "primaryEmail", code: "invalid_email", message: "有効なメールアドレスを入力してください。" }] });
    expect(preview.body.plan).toEqual({ create: 3, update: 0, unchanged: 0 });
    expect(preview.body.rows.map((r: any) => r.action)).toEqual(["create", "create", null, "create"]);
    expect((await admin.get("/api/contacts?q=takahashi@gmail.example")).body.items).toEqual([]);
    expect(await db.get("main", keys.contactExternal("J-1"))).toBeUndefined();

    // Act: import
    const imported = await ja.post("/api/contacts/import", file);
    // Assess
    expect(imported.status).toBe(200);
    expect(imported.body.counts).toEqual({ rows: 4, created: 3, updated: 0, unchanged: 0, skipped: 1, error: 0 });
    expect(imported.body.rows.map((r: any) => [r.line, r.status])).toEqual([
      [2, "created"],
      [3, "created"],
      [4, "skipped"],
      [5, "created"],
    ]);
    const takahashi = (await admin.get(`/api/contacts/${imported.body.rows[0].id}`)).body;
    expect(takahashi).toMatchObject({
      name: "髙橋 一郎",
      company: "株式会社テスト",
      externalId: "J-1",
      primaryEmail: "ichiro.takahashi@test.example",
      secondaryEmails: ["takahashi@gmail.example", "ichiro.t@test.example"],
    });
    expect(await backfillsFor("ichiro.t@test.example")).toEqual([expect.objectContaining({ contactId: takahashi.id })]);

    // The same file again changes nothing, rows without an external id included (matched by
    // address), and the preview says so before anything is imported
    const replan = await ja.post("/api/contacts/import/preview", file);
    expect(replan.body.plan).toEqual({ create: 0, update: 0, unchanged: 3 });
    const again = await ja.post("/api/contacts/import", file);
    expect(again.body.counts).toEqual({ rows: 4, created: 0, updated: 0, unchanged: 3, skipped: 1, error: 0 });
    expect(again.body.rows[3].id).toBe(imported.body.rows[3].id);
  });

  it("finds an imported contact by its secondary address, any case", async () => {
    const found = (await admin.get(`/api/contacts?q=${encodeURIComponent("Takahashi@GMAIL.example")}`)).body.items;
    expect(found.map((c: any) => c.externalId)).toEqual(["J-1"]);
  });

  it("leaves out columns the file lacks and updates by primary address", async () => {
    const update = iconv.encode("氏名,メールアドレス\r\n佐藤 花子（更新）,hanako@sample.example\r\n新規 太郎,new.taro@sample.example\r\n", "cp932");
    const planned = await admin.post("/api/contacts/import/preview", { contentBase64: base64(update) });
    expect(planned.body.rows.map((r: any) => r.action)).toEqual(["update", "create"]);
    const reply = await admin.post("/api/contacts/import", { contentBase64: base64(update) });
    expect(reply.body.counts).toMatchObject({ updated: 1, created: 1 });
    const hanako = (await admin.get(`/api/contacts/${reply.body.rows[0].id}`)).body;
    expect(hanako).toMatchObject({ name: "佐藤 花子（更新）", company: "サンプル, 大阪支店", externalId: "J-2" });
  });
});

describe("search", () => {
  it("finds a contact by a secondary address while the list is small", async () => {
    const c = await admin.post("/api/contacts", { name: "Small List", primaryEmail: "small@example.test", secondaryEmails: ["Second.Small@Example.test"] });
    const found = (await admin.get("/api/contacts?q=second.small@example.test")).body;
    expect(found.items.map((x: any) => x.id)).toEqual([c.body.id]);
    // still matched anywhere, as before, while the list is small
    expect((await admin.get("/api/contacts?q=mall lis")).body.items.map((x: any) => x.id)).toEqual([c.body.id]);
  });

  it("searches a large list through the address, name and company indexes, and pages the full list", async () => {
    // Prepare: more contacts than SMALL_LIST
    const many = Array.from({ length: SMALL_LIST + 50 }, (_, i) => ({
      externalId: `big-${i}`,
      name: `Bulk ${String(i).padStart(3, "0")}`,
      company: i % 50 === 0 ? "ＡＣＭＥ Holdings" : `Filler ${i}`,
      primaryEmail: `bulk${i}@big.example`,
      secondaryEmails: [`bulk${i}.alt@big.example`],
    }));
    expect((await admin.post("/api/contacts/bulk", { contacts: many })).body.counts.created).toBe(many.length);
    const q = async (text: string) => (await admin.get(`/api/contacts?q=${encodeURIComponent(text)}`)).body.items.map((c: any) => c.externalId);

    // Act / Assess: exact secondary address, name prefix, company prefix (full-width folded)
    expect(await q("BULK123.alt@big.example")).toEqual(["big-123"]);
    expect(await q("bulk 12")).toEqual(["big-120", "big-121", "big-122", "big-123", "big-124", "big-125", "big-126", "big-127", "big-128", "big-129"]);
    expect(await q("BULK 012")).toEqual(["big-12"]);
    expect((await q("acme")).sort()).toEqual(["big-0", "big-100", "big-150", "big-200", "big-50"]);
    expect(await q("nobody@big.example")).toEqual([]);

    // the full list, a page at a time, each contact once
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = (await admin.get(`/api/contacts?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).body;
      for (const c of page.items) {
        expect(seen.has(c.id)).toBe(false);
        seen.add(c.id);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(seen.size).toBeGreaterThan(SMALL_LIST + 50);
    expect((await ja.get("/api/contacts?cursor=garbage")).body.error.fields[0]).toMatchObject({ field: "cursor", code: "invalid_cursor" });
  });
});
