// autocannon ships no types; the benchmark uses its callback API only.
declare module 'autocannon' {
  function autocannon(options: Record<string, unknown>, done: (error: Error | null, result: any) => void): unknown;
  export default autocannon;
}
