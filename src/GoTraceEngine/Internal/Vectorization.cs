using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GoTraceEngine.Internal;

/// <summary>
/// Whether hand-written vector paths may run in this process: every vector path has a scalar twin, and
/// <c>GOTRACE_FORCE_SCALAR=1</c> in the environment at startup forces the scalar ones (so tests can run each suite
/// against both, as Sep runs every parser variant).
/// </summary>
/// <remarks>
/// <para>Read once, when the assembly loads (a module initializer), into a property of a class without a static
/// constructor. The number parser tests <see cref="Enabled"/> for every number it reads. Had this class a static
/// constructor (as a <see langword="static readonly"/> field set from the environment needs), the NativeAOT build would
/// check that it ran before every read, a few instructions each time with the parser's registers spilled: as a
/// <see langword="static readonly"/> field, a replay took 1.3 % (seed format) and 1.9 % (full format) more instructions
/// (callgrind, one thread, 10 MB traces). Under the JIT a read is now one load instead of a constant.</para>
/// <para>Changing the variable after the assembly loaded has no effect. A vector path still checks its own instruction
/// set (<c>Sse41.IsSupported</c> and so on) beside this switch. Thread-safe (set before any other code of the assembly
/// runs).</para>
/// </remarks>
internal static class Vectorization
{
    /// <summary>The environment variable that forces the scalar paths when it is <c>1</c>.</summary>
    public const string ForceScalarVariable = "GOTRACE_FORCE_SCALAR";

    /// <summary>False when <c>GOTRACE_FORCE_SCALAR=1</c> was set at startup; then no hand-written vector path runs.</summary>
    public static bool Enabled { get; private set; }

    /// <summary>Whether the line framer finds line ends 32 bytes at a time (else its scalar twin, one <c>IndexOf</c> per line).</summary>
    public static bool Framing => Enabled && Vector256.IsHardwareAccelerated;

    /// <summary>Whether <paramref name="value"/> of <see cref="ForceScalarVariable"/> forces the scalar paths.</summary>
    /// <param name="value">The variable's value, or null when unset.</param>
    /// <returns><see langword="true"/> for <c>1</c> (surrounding blanks ignored).</returns>
    internal static bool IsForced(string? value) => value is not null && value.AsSpan().Trim().SequenceEqual("1");

    /// <summary>Reads the environment when the assembly loads, before any of its code runs.</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The switch must be set without a static constructor: see the remarks.")]
    internal static void Initialize() => Enabled = !IsForced(Environment.GetEnvironmentVariable(ForceScalarVariable));
}
