import { run, type Io } from './main.js';

/** What one in-process CLI run gave: the exit code and the printed lines, joined with \n. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process and captures its output; `onErr` sees each stderr line as printed. */
export async function runCli(
  args: string[],
  onErr?: (line: string) => void,
  opts: { interrupt?: { trigger?: () => void } } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => {
      err.push(s);
      onErr?.(s);
    },
    // A test's Ctrl-C: opts.interrupt.trigger() is set once the command listens for it.
    ...(opts.interrupt
      ? {
          onInterrupt: (cb: () => void) => {
            opts.interrupt!.trigger = cb;
            return () => delete opts.interrupt!.trigger;
          },
        }
      : {}),
  };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** runCli with the arguments spread: `cli('keys', 'generate', '--alg', 'RS384')`. */
export const cli = (...args: string[]) => runCli(args);
