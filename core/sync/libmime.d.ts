declare module "libmime" {
  const libmime: { decodeWords(value: string): string };
  export default libmime;
}
