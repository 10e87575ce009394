/**
 * What the parse worker answers (src-worker/parse-entry.ts → src-main/parse/client.ts): the job's value, or its
 * error as plain data — Error classes do not survive the thread boundary, so a ParseError travels as its file,
 * line and problem and the client rebuilds it, and every transport keeps reporting `file:line: problem`.
 */
export type SerializedFileError =
  | { readonly kind: 'parse'; readonly file: string; readonly line: number; readonly problem: string }
  | { readonly kind: 'forcefield'; readonly file: string; readonly problems: readonly string[] }
  | { readonly kind: 'other'; readonly name: string; readonly message: string };

export type ParseReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedFileError };
