// Test servers listen on TEST_PORT_BASE + a fixed offset (default base 3200), so two checkouts
// can run their suites side by side without taking each other's ports.
export function testPort(offset: number): number {
  const base = Number(process.env.TEST_PORT_BASE ?? 3200);
  if (!Number.isInteger(base) || base < 1024 || base > 65000)
    throw new Error(
      `TEST_PORT_BASE must be an integer between 1024 and 65000, got ${process.env.TEST_PORT_BASE}`,
    );
  return base + offset;
}
