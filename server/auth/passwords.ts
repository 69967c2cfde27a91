/**
 * Password hashing with Argon2id (@node-rs/argon2 ships prebuilt binaries, so installing needs no
 * compiler or install script). Parameters are the library's defaults, OWASP's recommended minimum:
 * 19 MiB, 2 passes, 1 lane.
 */
import { hash, verify } from "@node-rs/argon2";

export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // verify throws only for a stored hash it cannot read (an account without a usable password):
    // nothing can sign in with that, which is exactly "wrong password".
    return false;
  }
}

/** Verified against when the email is unknown, so a wrong email and a wrong password take the same time. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword("decoy-password-never-matches");
  return decoyHash;
}
