import { encodeIso2022jp, headerBlock, utf8Word } from "./corpus";
import { seededRandom } from "./seeded-random";

/**
 * Mail as a sales team's mailbox really holds it, for the benchmark: the transport headers
 * every delivered message carries (Received chain, DKIM signature, authentication results),
 * threads with In-Reply-To and References, HTML with a text alternative, Japanese in UTF-8
 * and ISO-2022-JP, quoted replies, and PDF attachments. Deterministic for a given index, so
 * every run and every contender sees the same bytes.
 *
 * Shares by index (i % 20): 12 of 20 multipart/alternative (text + HTML; every third in
 * Japanese), 4 plain text with a quoted history, 2 ISO-2022-JP, 2 multipart/mixed with a
 * 40-120 KB PDF.
 */
export interface BusinessMailOptions {
  /** The mailbox owner's address. */
  owner: string;
  /** The other party: a customer, a colleague, a vendor. */
  counterpart: string;
  /** The counterpart's display name (may be Japanese). */
  counterpartName: string;
  /** Received (the counterpart wrote) or sent (the owner wrote). */
  inbound: boolean;
  date: Date;
}

const CRLF = "\r\n";
const b64 = (buf: Buffer) => buf.toString("base64").replace(/.{76}/g, `$&${CRLF}`);
const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");

/** A small deterministic generator (mulberry32), so sizes and choices repeat exactly. */
const random = seededRandom;

const ENGLISH = [
  "Thank you for your time on the call yesterday. As discussed, I am sending the revised quotation for the 2027 maintenance contract.",
  "Could you confirm the delivery date for the second shipment? Our warehouse needs to plan the receiving slots for next week.",
  "Please find the meeting notes below. The main open point is the payment schedule; finance will come back to us by Friday.",
  "We have reviewed the proposal internally and would like to move forward with option B, subject to the changes we discussed.",
];
const JAPANESE = [
  "いつもお世話になっております。先日はお打ち合わせのお時間をいただき、誠にありがとうございました。",
  "ご依頼いただいておりましたお見積書を添付にてお送りいたします。ご査収のほどよろしくお願いいたします。",
  "納期の件につきまして、社内で確認いたしましたところ、来週金曜日の出荷が可能となりました。",
  "引き続きどうぞよろしくお願い申し上げます。ご不明な点がございましたら、お気軽にお問い合わせください。",
];

function paragraphs(rnd: () => number, japanese: boolean, count: number): string[] {
  const pool = japanese ? JAPANESE : ENGLISH;
  return Array.from({ length: count }, () => pool[Math.floor(rnd() * pool.length)]!);
}

function transportHeaders(i: number, rnd: () => number, o: BusinessMailOptions, from: string): string[] {
  const domain = from.split("@")[1] ?? "example.test";
  const hops = ["mx1.mail-relay.test", "smtp-out.provider.test", `mail.${domain}`];
  const received = hops.map((host, n) => {
    const id = Math.floor(rnd() * 1e12)
      .toString(36)
      .toUpperCase();
    return `Received: from ${host} (${host} [192.0.2.${(i + n) % 250}])${CRLF}\tby mx.${o.owner.split("@")[1]} with ESMTPS id ${id}${CRLF}\tfor <${o.owner}>; ${rfc2822(new Date(o.date.getTime() - n * 1000))}`;
  });
  const signature = b64(Buffer.from(Array.from({ length: 256 }, () => Math.floor(rnd() * 256)))).replace(/\r\n/g, `${CRLF}\t `);
  return [
    `Return-Path: <${from}>`,
    ...received,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=selector1;${CRLF}\th=from:to:subject:date:message-id:mime-version:content-type;${CRLF}\tbh=${b64(Buffer.from(String(i))).trim()}; b=${signature}`,
    `Authentication-Results: mx.${o.owner.split("@")[1]}; dkim=pass header.d=${domain}; spf=pass smtp.mailfrom=${from}; dmarc=pass`,
    i % 2 ? "X-Mailer: Microsoft Outlook 16.0" : "User-Agent: Mozilla Thunderbird",
  ];
}

function pdf(rnd: () => number): Buffer {
  const size = 40_000 + Math.floor(rnd() * 80_000);
  const body = Buffer.alloc(size);
  for (let k = 0; k < size; k++) body[k] = Math.floor(rnd() * 256);
  return Buffer.concat([Buffer.from("%PDF-1.7\n"), body, Buffer.from("\n%%EOF\n")]);
}

/** Message number `i` of a mailbox (its thread is i >> 2: four messages a thread, replies after the first). */
export function businessMessage(i: number, o: BusinessMailOptions): Buffer {
  const rnd = random(i * 7919 + 17);
  const shape = i % 20;
  const japanese = shape < 12 ? i % 3 === 0 : shape >= 16 && shape < 18;
  const from = o.inbound ? o.counterpart : o.owner;
  const fromHeader = o.inbound ? `${utf8Word(o.counterpartName)} <${o.counterpart}>` : o.owner;
  const toHeader = o.inbound ? o.owner : `${utf8Word(o.counterpartName)} <${o.counterpart}>`;
  const thread = i >> 2;
  const topic = japanese ? `お見積りのご依頼（案件 ${thread}）` : `Quotation for project ${thread}`;
  const reply = i % 4 !== 0;
  const subject = (reply ? (japanese ? "Re: " : "RE: ") : "") + topic;
  const threadIds = Array.from({ length: i % 4 }, (_, n) => `<t${thread}.${n}@mail.test>`);
  const text = paragraphs(rnd, japanese, 2 + Math.floor(rnd() * 3)).join("\n\n") + (japanese ? "\n\n営業部 山田" : "\n\nBest regards,\nSales team");
  // one element: the corpus's header block (the test MIME builder), transport headers first
  const headers = [
    headerBlock(
      {
        from: fromHeader,
        to: toHeader,
        ...(i % 5 === 0 ? { cc: `Sales Team <sales@${o.owner.split("@")[1]}>` } : {}),
        subject: shape >= 16 && shape < 18 ? `=?ISO-2022-JP?B?${encodeIso2022jp(subject).toString("base64")}?=` : utf8Word(subject),
        date: o.date,
        messageId: `<t${thread}.${i % 4}@mail.test>`,
        ...(reply ? { inReplyTo: threadIds[threadIds.length - 1], references: threadIds.join(`${CRLF} `) } : {}),
      },
      [],
      transportHeaders(i, rnd, o, from),
    ),
  ];
  const html = `<html><head><meta charset="utf-8"><style>p{font-family:Meiryo,Arial}</style></head><body>${text
    .split("\n\n")
    .map((p) => `<p>${p.replace(/\n/g, "<br>")}</p>`)
    .join("")}</body></html>`;
  const alternative = (boundary: string) =>
    [
      `--${boundary}`,
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: base64",
      "",
      b64(Buffer.from(text.replace(/\n/g, CRLF))),
      `--${boundary}`,
      "Content-Type: text/html; charset=UTF-8",
      "Content-Transfer-Encoding: base64",
      "",
      b64(Buffer.from(html)),
      `--${boundary}--`,
      "",
    ].join(CRLF);
  if (shape < 12) {
    const boundary = `alt_${i}`;
    return Buffer.from([...headers, `Content-Type: multipart/alternative; boundary="${boundary}"`, "", alternative(boundary)].join(CRLF));
  }
  if (shape < 16) {
    const quoted = paragraphs(rnd, false, 6)
      .map((p) => `> ${p}`)
      .join("\n>\n");
    const body = `${text}\n\nOn ${rfc2822(new Date(o.date.getTime() - 86_400_000))}, ${o.counterpart} wrote:\n${quoted}\n`;
    return Buffer.from([...headers, "Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 8bit", "", body.replace(/\n/g, CRLF)].join(CRLF));
  }
  if (shape < 18) {
    return Buffer.concat([
      Buffer.from([...headers, "Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit", "", ""].join(CRLF)),
      encodeIso2022jp(text.replace(/\n/g, CRLF)),
      Buffer.from(CRLF),
    ]);
  }
  const mixed = `mix_${i}`;
  const alt = `alt_${i}`;
  const name = japanese ? "御見積書.pdf" : `Quotation-${thread}.pdf`;
  const encodedName = `UTF-8''${encodeURIComponent(name)}`;
  return Buffer.from(
    [
      ...headers,
      `Content-Type: multipart/mixed; boundary="${mixed}"`,
      "",
      `--${mixed}`,
      `Content-Type: multipart/alternative; boundary="${alt}"`,
      "",
      alternative(alt),
      `--${mixed}`,
      `Content-Type: application/pdf; name*=${encodedName}`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename*=${encodedName}`,
      "",
      b64(pdf(rnd)),
      `--${mixed}--`,
      "",
    ].join(CRLF),
  );
}
