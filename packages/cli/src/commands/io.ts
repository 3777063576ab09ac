/** Where commands write: stdout and stderr in the binary, arrays in tests. */
export interface CommandIo {
  out(text: string): void;
  error(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

export function captureIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), error: (text) => stderr.push(text) };
}
