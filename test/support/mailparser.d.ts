// mailparser 3.9 ships no types: the little the tests read of a parsed message.
declare module "mailparser" {
  export interface ParsedMail {
    subject?: string;
    text?: string;
    to?: { text: string } | { text: string }[];
    headers: Map<string, unknown>;
  }
  export function simpleParser(source: Buffer | string): Promise<ParsedMail>;
}
