export function walWritten(written: Int32Array, bytes: number, threshold: number): void;
