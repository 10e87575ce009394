/**
 * Writing a file so that nothing is ever half-written or overwritten by surprise: the text goes to a temporary
 * file beside the target (created exclusively, flushed to disk), which is then renamed over the target in one
 * step — a full disk or a crash leaves the old file (or none) and no fragment. An existing target is refused
 * unless the caller passes `force`; a protected file (the open campaign database and its WAL/SHM companions) is
 * refused always, through any path or link that leads to it. Every CLI export and output goes through here.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A write refused or failed: one line naming the file and why; nothing was changed. */
export class WriteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

export interface WriteOptions {
  /** Replace an existing file (never a protected one). */
  readonly force?: boolean;
  /** Files that must never be written, e.g. the open database: each also protects its -wal, -shm and -journal. */
  readonly protect?: readonly string[];
  /** The option that named the file, for messages ('--out'). */
  readonly what?: string;
}

/** The filesystem calls used, replaceable in tests (a disk that fills up mid-write). */
export interface WriteFs {
  openSync: typeof openSync;
  /** Writes bytes [offset, offset + length) of data; returns how many were written. */
  writeSync: (fd: number, data: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof fsyncSync;
  closeSync: typeof closeSync;
  renameSync: typeof renameSync;
  unlinkSync: typeof unlinkSync;
}

const NODE_FS: WriteFs = { openSync, writeSync: (fd, data, offset, length) => writeSync(fd, data, offset, length), fsyncSync, closeSync, renameSync, unlinkSync };

/** The real path of p, or of its folder + name when p does not exist yet (so a link to the database is seen through). */
function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** Same file on disk (a hard link too), when both exist. */
function sameInode(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Why `target` may not be written, or null. */
export function writeProblem(target: string, opts: WriteOptions = {}): string | null {
  const what = opts.what ?? 'the output';
  const abs = resolve(target);
  const real = canonical(abs);
  for (const p of opts.protect ?? []) {
    const base = canonical(p);
    const family = [base, `${base}-wal`, `${base}-shm`, `${base}-journal`];
    if (family.includes(real) || family.some((f) => sameInode(f, abs))) return `${what} ${abs} is the open campaign database (or one of its files); it is never overwritten`;
  }
  if (!existsSync(dirname(abs))) return `${what}: folder ${dirname(abs)} does not exist`;
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return null; // does not exist: fine
  }
  if (st.isDirectory()) return `${what} ${abs} is a folder`;
  if (!opts.force) return `${what} ${abs} exists; pass --force to replace it`;
  if (!st.isFile() && !st.isSymbolicLink()) return `${what} ${abs} is not a regular file`;
  return null;
}

/**
 * Write `text` to `target` atomically (temporary file + rename). Throws WriteRefusedError when the target is
 * refused (exists without force, protected, a folder) or the write fails (the target is then untouched and no
 * temporary file is left). Returns the absolute path written.
 */
export function writeFileAtomic(target: string, text: string, opts: WriteOptions = {}, fs: WriteFs = NODE_FS): string {
  const why = writeProblem(target, opts);
  if (why) throw new WriteRefusedError(why);
  const abs = resolve(target);
  const tmp = join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    // 'wx': never follows or reuses an existing name; 0o644 like any file the user writes.
    fd = fs.openSync(tmp, 'wx', 0o644);
    const data = Buffer.from(text, 'utf8');
    for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, abs);
    return abs;
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the write error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new WriteRefusedError(`could not write ${abs}: ${code ?? (e as Error).message}${code === 'ENOSPC' ? ' (the disk is full)' : ''}; nothing was changed`);
  }
}
