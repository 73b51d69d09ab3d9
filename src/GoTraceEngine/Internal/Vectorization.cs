namespace GoTraceEngine.Internal;

/// <summary>
/// Whether hand-written vector paths may run in this process: every vector path has a scalar twin, and
/// <c>GOTRACE_FORCE_SCALAR=1</c> in the environment at startup forces the scalar ones (so tests can run each suite
/// against both, as Sep runs every parser variant).
/// </summary>
/// <remarks>
/// Read once into a <see langword="static readonly"/> field: the tiered JIT treats it as a constant, so the test of
/// <see cref="Enabled"/> costs nothing in optimised code. Changing the variable after the first use has no effect.
/// A vector path still checks its own instruction set (<c>Sse41.IsSupported</c> and so on) beside this switch.
/// Thread-safe (immutable).
/// </remarks>
internal static class Vectorization
{
    /// <summary>The environment variable that forces the scalar paths when it is <c>1</c>.</summary>
    public const string ForceScalarVariable = "GOTRACE_FORCE_SCALAR";

    /// <summary>False when <c>GOTRACE_FORCE_SCALAR=1</c> was set at startup; then no hand-written vector path runs.</summary>
    public static readonly bool Enabled = !IsForced(Environment.GetEnvironmentVariable(ForceScalarVariable));

    /// <summary>Whether <paramref name="value"/> of <see cref="ForceScalarVariable"/> forces the scalar paths.</summary>
    /// <param name="value">The variable's value, or null when unset.</param>
    /// <returns><see langword="true"/> for <c>1</c> (surrounding blanks ignored).</returns>
    internal static bool IsForced(string? value) => value is not null && value.AsSpan().Trim().SequenceEqual("1");

    /// <summary>Whether the line framer finds line ends 32 bytes at a time (else its scalar twin, one <c>IndexOf</c> per line).</summary>
    public static readonly bool Framing = Enabled && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;
}
