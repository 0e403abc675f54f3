import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';
import type { AdminContext } from '../admin/actor.ts';

/** One administration subcommand: its arguments, and what it does with the service layer. */
export interface AdminCommand {
  /** Positional argument names, as shown in the usage line. */
  positionals: string[];
  options?: NonNullable<ParseArgsConfig['options']>;
  /** The options part of the usage line. */
  usage?: string;
  run(input: CommandInput): Promise<unknown>;
}

export interface CommandInput {
  admin: AdminContext;
  args: string[];
  options: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

export const text = { type: 'string' } as const;
export const flag = { type: 'boolean' } as const;
export const texts = { type: 'string', multiple: true } as const;

/** `a,b` → `['a', 'b']`; absent stays absent. */
export function splitList(value: unknown): string[] | undefined {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : undefined;
}

export function readOption(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** The rest of standard input, for passwords that must not appear in the process list. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** JSON from `--json TEXT` or `--file PATH`. */
export async function readJson(input: CommandInput): Promise<unknown> {
  const inline = readOption(input, 'json');
  const file = readOption(input, 'file');
  if (!inline && !file) throw new Error('give --json TEXT or --file PATH');
  const source = inline ?? (await readFile(file!, 'utf8'));
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new Error(`${file ?? '--json'}: ${(error as Error).message}`, { cause: error });
  }
}
