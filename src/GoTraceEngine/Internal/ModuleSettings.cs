// The hot path's frames hold 88-byte events and many scalars; zeroing them on every call costs more than the
// parsing itself, and the code never reads a local before writing it. This is why the library allows unsafe code:
// SkipLocalsInit requires it. No pointers are used.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
