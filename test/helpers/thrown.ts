/** What `fn` throws, or undefined when it returns: for asserting on a synchronous error's code and fields. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
