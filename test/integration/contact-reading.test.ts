import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { searchContacts, SMALL_LIST } from "../../core/contacts/index";
import { contactKanaKey } from "../../core/contacts/contact-item";
import { ensureKanaOrder, kanaEntry } from "../../core/contacts/kana-order";
import { keys } from "../../core/store/keys";
import type { ApiClient } from "../support/api-client";
import { startApiStack } from "../support/api-stack";

// フリガナ through the real API handler on dynalite: create, update, import, search and the
// 50音 order. The Main table is read directly only for what the API cannot show (the order entries).
let stack: LocalStack;
let admin: ApiClient;
let ja: ApiClient;
let db: Db;

beforeAll(async () => {
  ({ stack, admin, ja, db } = await startApiStack());
});
afterAll(async () => stack?.stop());

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const names = (page: { items: { name: string }[] }) => page.items.map((c) => c.name);

/** Every contact in the given order, following the cursor `limit` at a time. */
async function everyContact(order: "name" | "kana", limit: number): Promise<{ name: string; id: string }[]> {
  const all: { name: string; id: string }[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await admin.get(`/api/contacts?order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

describe("the reading of a contact", () => {
  it("is stored normalised on create, changed and cleared by PATCH", async () => {
    // Act: half-width katakana and an ideographic space, as typed on some Japanese keyboards
    const created = await admin.post("/api/contacts", { name: "山田 太郎", reading: "ﾔﾏﾀﾞ\u3000ﾀﾛｳ", primaryEmail: "taro@yamada.example" });
    // Assess
    expect(created.status).toBe(201);
    expect(created.body.reading).toBe("ヤマダ タロウ");
    const id = created.body.id;
    expect((await admin.get(`/api/contacts/${id}`)).body.reading).toBe("ヤマダ タロウ");
    // Act: change it, then keep it through a PATCH that does not name it, then clear it
    expect((await admin.patch(`/api/contacts/${id}`, { reading: "やまだ たろう" })).body.reading).toBe("やまだ たろう");
    expect((await admin.patch(`/api/contacts/${id}`, { company: "山田商事" })).body.reading).toBe("やまだ たろう");
    expect((await admin.patch(`/api/contacts/${id}`, { reading: null })).body.reading).toBeNull();
    expect((await admin.patch(`/api/contacts/${id}`, { reading: "ヤマダ タロウ" })).body.reading).toBe("ヤマダ タロウ");
  });

  it("refuses a reading that is not kana with 400 naming the field, in the user's language, and keeps what was saved", async () => {
    // Prepare
    const created = await admin.post("/api/contacts", { name: "鈴木 一郎", reading: "スズキ イチロウ", primaryEmail: "ichiro@suzuki.example" });
    // Act
    const en = await admin.post("/api/contacts", { name: "X", reading: "Suzuki", primaryEmail: "x@suzuki.example" });
    const jaReply = await ja.patch(`/api/contacts/${created.body.id}`, { reading: "鈴木" });
    // Assess
    expect(en.status).toBe(400);
    expect(en.body.error.fields).toEqual([expect.objectContaining({ field: "reading", code: "reading_not_kana", message: expect.stringMatching(/kana/) })]);
    expect(jaReply.status).toBe(400);
    expect(jaReply.body.error.fields).toEqual([expect.objectContaining({ field: "reading", code: "reading_not_kana", message: expect.stringMatching(/ひらがな・カタカナ/) })]);
    expect((await admin.get(`/api/contacts/${created.body.id}`)).body.reading).toBe("スズキ イチロウ");
    // an unknown order is a 400 too, never a 500
    const badOrder = await admin.get("/api/contacts?order=reading");
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.error.fields[0].field).toBe("order");
  });
});

describe("50音 order", () => {
  it("lists by reading (else the name) with katakana and hiragana as one, a page at a time", async () => {
    // Prepare: 佐藤 (サトウ), 阿部 (あべ), 後藤 (ゴトウ, half-width), かとう without reading, Bob (Latin), 渡辺 (no reading: kanji)
    for (const c of [
      { name: "佐藤 花子", reading: "サトウ ハナコ", primaryEmail: "hanako@sato.example" },
      { name: "阿部 次郎", reading: "あべ じろう", primaryEmail: "jiro@abe.example" },
      { name: "後藤 三郎", reading: "ｺﾞﾄｳ ｻﾌﾞﾛｳ", primaryEmail: "saburo@goto.example" },
      { name: "かとう ゆみ", primaryEmail: "yumi@kato.example" },
      { name: "Bob Smith", primaryEmail: "bob@smith.example" },
      { name: "渡辺", primaryEmail: "w@watanabe.example" },
    ])
      expect((await admin.post("/api/contacts", c)).status).toBe(201);
    // Act: pages of 2, to cross the cursor several times
    const kana = await everyContact("kana", 2);
    const byName = await everyContact("name", 500);
    // Assess
    const mine = ["Bob Smith", "阿部 次郎", "かとう ゆみ", "後藤 三郎", "佐藤 花子", "鈴木 一郎", "山田 太郎", "渡辺"];
    expect(kana.map((c) => c.name).filter((n) => mine.includes(n))).toEqual(mine);
    expect(new Set(kana.map((c) => c.id)).size).toBe(kana.length);
    expect(kana.length).toBe(byName.length);
    // the name order is as it was: code points of the name (kana before kanji)
    expect(byName.map((c) => c.name).filter((n) => mine.includes(n))).toEqual([
      "Bob Smith",
      "かとう ゆみ",
      "佐藤 花子",
      "山田 太郎",
      "後藤 三郎",
      "渡辺",
      "鈴木 一郎",
      "阿部 次郎",
    ]);
  });

  it("moves a contact when its reading changes and drops it when it is deleted", async () => {
    // Prepare
    const c = (await admin.post("/api/contacts", { name: "伊藤", reading: "イトウ", primaryEmail: "ito@ito.example" })).body;
    const position = async () => (await everyContact("kana", 500)).findIndex((x) => x.id === c.id);
    const before = await position();
    // Act
    await admin.patch(`/api/contacts/${c.id}`, { reading: "ン" });
    // Assess: last of the kana (ん is the last kana), still once
    const all = await everyContact("kana", 500);
    expect(all.filter((x) => x.id === c.id)).toHaveLength(1);
    expect(all.findIndex((x) => x.id === c.id)).toBeGreaterThan(before);
    expect(all.findIndex((x) => x.id === c.id)).toBe(all.findIndex((x) => x.name === "渡辺") - 1);
    // Act
    expect((await admin.del(`/api/contacts/${c.id}`)).status).toBe(204);
    // Assess
    expect(await db.get("main", contactKanaKey(c.id))).toBeUndefined();
    expect(await position()).toBe(-1);
  });

  it("gives contacts saved before the order existed their place on first use", async () => {
    // Prepare: as an older version left them: no order entry, no marker (a new Db: a new process)
    const fresh = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const abe = (await admin.get("/api/contacts?q=jiro@abe.example")).body.items[0];
    await fresh.delete("main", contactKanaKey(abe.id));
    await fresh.delete("main", { pk: "META", sk: "KANA_ORDER" });
    // Act
    const page = await searchContacts(fresh, { order: "kana" });
    // Assess
    expect(page.items.map((c) => c.id)).toContain(abe.id);
    expect(await fresh.get("main", contactKanaKey(abe.id))).toMatchObject({ gsi1sk: `あべ じろう#${abe.id}` });
    expect(await fresh.get("main", { pk: "META", sk: "KANA_ORDER" })).toBeDefined();
  });
});

describe("the pass writing old contacts' 50音 entries", () => {
  it("goes on from where an unfinished pass stopped", async () => {
    // Prepare: a pass that stopped halfway through the contacts index, and two contacts without entries
    const fresh = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const index = (await fresh.query("main", { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": keys.contactsIndex } })).items;
    const [first, middle, last] = [index[0]!, index[Math.floor(index.length / 2)]!, index.at(-1)!];
    for (const c of [first, last]) await fresh.delete("main", contactKanaKey(c.id));
    await fresh.put("main", { pk: "META", sk: "KANA_ORDER", after: { pk: middle.pk, sk: middle.sk, gsi1pk: middle.gsi1pk, gsi1sk: middle.gsi1sk } });
    // Act
    expect(await ensureKanaOrder(fresh)).toBe(true);
    // Assess: the contacts past the saved position got their entry; the one before it was taken as done
    expect(await fresh.get("main", contactKanaKey(last.id))).toEqual(kanaEntry(last));
    expect(await fresh.get("main", contactKanaKey(first.id))).toBeUndefined();
    expect(await fresh.get("main", { pk: "META", sk: "KANA_ORDER" })).toMatchObject({ done: true });
    await fresh.put("main", kanaEntry(first));
  });
});

describe("search by reading", () => {
  it("finds 山田 太郎 (ヤマダ タロウ) by やまだ, ヤマダ or ﾔﾏﾀﾞ in a small list", async () => {
    for (const q of ["やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "たろう"]) {
      const res = await admin.get(`/api/contacts?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(names(res.body), q).toContain("山田 太郎");
    }
    // in 50音 order when asked
    const both = await admin.get(`/api/contacts?q=${encodeURIComponent("example")}&order=kana`);
    expect(names(both.body).indexOf("阿部 次郎")).toBeLessThan(names(both.body).indexOf("山田 太郎"));
  });

  it("finds readings starting with the kana typed through the 50音 index in a large list", async () => {
    // Prepare: past SMALL_LIST, where search reads indexes only
    const rows = Array.from({ length: SMALL_LIST + 20 }, (_, i) => ({
      externalId: `bulk-${i}`,
      name: `Bulk ${String(i).padStart(3, "0")}`,
      primaryEmail: `bulk${i}@bulk.example`,
    }));
    for (let i = 0; i < rows.length; i += 500) expect((await admin.post("/api/contacts/bulk", { contacts: rows.slice(i, i + 500) })).status).toBe(200);
    // Act
    const hira = await admin.get(`/api/contacts?q=${encodeURIComponent("やまだ")}`);
    const kata = await admin.get(`/api/contacts?q=${encodeURIComponent("ﾔﾏﾀﾞ ﾀ")}`);
    const none = await admin.get(`/api/contacts?q=${encodeURIComponent("たろう")}`);
    // Assess: the start of the reading; the middle is not indexed (as for names)
    expect(names(hira.body)).toEqual(["山田 太郎"]);
    expect(names(kata.body)).toEqual(["山田 太郎"]);
    expect(names(none.body)).toEqual([]);
    // a bulk upsert (which has no reading) keeps the reading typed in the console
    await admin.patch(`/api/contacts/${hira.body.items[0].id}`, { externalId: "crm-yamada" });
    await admin.post("/api/contacts/bulk", { contacts: [{ externalId: "crm-yamada", name: "山田 太郎", primaryEmail: "taro@yamada.example", company: "山田商事" }] });
    expect((await admin.get(`/api/contacts/${hira.body.items[0].id}`)).body.reading).toBe("ヤマダ タロウ");
  });
});

describe("the CRM's upserts", () => {
  it("set a reading, keep it when a row has none, and refuse one that is not kana, row by row", async () => {
    // Act
    const bulk = await ja.post("/api/contacts/bulk", {
      contacts: [
        { externalId: "crm-r1", name: "小林 誠", reading: "コバヤシ マコト", primaryEmail: "makoto@kobayashi.example" },
        { externalId: "crm-r2", name: "林 修", reading: "Hayashi", primaryEmail: "osamu@hayashi.example" },
      ],
    });
    // Assess
    expect(bulk.status).toBe(200);
    expect(bulk.body.results[1]).toMatchObject({ status: "error", errors: [{ field: "reading", code: "reading_not_kana", message: expect.stringMatching(/カタカナ/) }] });
    const id = bulk.body.results[0].id;
    expect((await admin.get(`/api/contacts/${id}`)).body.reading).toBe("コバヤシ マコト");
    // a full state without a reading keeps it; PUT by external id refuses a bad one with a 400
    const put = await admin.request("PUT", "/api/contacts/by-external-id/crm-r1", { name: "小林 誠", primaryEmail: "makoto@kobayashi.example", company: "小林産業" });
    expect(put.body.contact).toMatchObject({ company: "小林産業", reading: "コバヤシ マコト" });
    const bad = await admin.request("PUT", "/api/contacts/by-external-id/crm-r1", { name: "小林 誠", reading: "小林", primaryEmail: "makoto@kobayashi.example" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toMatchObject({ field: "reading", code: "reading_not_kana" });
    expect((await admin.get(`/api/contacts/${id}`)).body.reading).toBe("コバヤシ マコト");
  });
});

describe("CSV import with a フリガナ column", () => {
  it("imports readings, skips a row whose reading is not kana, and hands it back in a CSV with the reason", async () => {
    // Prepare
    const file = "氏名,フリガナ,メールアドレス\r\n" + "木村 拓也,キムラ タクヤ,takuya@kimura.example\r\n" + "中村 花,中村,hana@nakamura.example\r\n";
    // Act
    const res = await ja.post("/api/contacts/import", { filename: "連絡先.csv", contentBase64: base64(file) });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ rows: 2, created: 1, skipped: 1 });
    const kimura = (await admin.get(`/api/contacts?q=${encodeURIComponent("きむら")}`)).body.items;
    expect(kimura).toEqual([expect.objectContaining({ name: "木村 拓也", reading: "キムラ タクヤ" })]);
    const rejected: string = res.body.rejectedCsv;
    expect(rejected.charCodeAt(0)).toBe(0xfeff);
    expect(rejected.slice(1).split("\r\n")).toEqual([
      "氏名,フリガナ,メールアドレス,取り込めなかった理由",
      expect.stringMatching(/^中村 花,中村,hana@nakamura\.example,フリガナ: ひらがな・カタカナ/),
      "",
    ]);
    // Act: fixed and imported again, reason column and all
    const again = await ja.post("/api/contacts/import", { filename: "rejected.csv", contentBase64: base64(rejected.replace(",中村,", ",ナカムラ ハナ,")) });
    // Assess
    expect(again.body.counts).toMatchObject({ rows: 1, created: 1 });
    expect(again.body.rejectedCsv).toBeNull();
  });

  it("keeps a stored reading when the file has no reading column", async () => {
    const file = "name,email,company\r\n木村 拓也,takuya@kimura.example,木村工務店\r\n";
    const res = await admin.post("/api/contacts/import", { contentBase64: base64(file) });
    expect(res.body.counts).toMatchObject({ updated: 1 });
    const kimura = (await admin.get(`/api/contacts?q=${encodeURIComponent("takuya@kimura.example")}`)).body.items[0];
    expect(kimura).toMatchObject({ company: "木村工務店", reading: "キムラ タクヤ" });
  });

  it("offers a template in the user's language that imports as it is", async () => {
    // Act
    const jaTemplate = await ja.get("/api/contacts/import/template");
    const enTemplate = await admin.get("/api/contacts/import/template");
    // Assess
    expect(jaTemplate.status).toBe(200);
    expect(jaTemplate.body.csv.startsWith("\uFEFF氏名,フリガナ,会社名,メールアドレス")).toBe(true);
    expect(enTemplate.body.csv.startsWith("\uFEFFName,Reading (furigana),Company,Email")).toBe(true);
    const preview = await ja.post("/api/contacts/import/preview", { contentBase64: base64(jaTemplate.body.csv) });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toEqual({ rows: 1, valid: 1, invalid: 0 });
    expect(preview.body.columns.map((c: any) => c.field)).toEqual(["name", "reading", "company", "primaryEmail", "secondaryEmails", "externalId"]);
  });
});
