using System.Runtime.Intrinsics;

namespace GoTraceEngine.Internal;

/// <summary>
/// Whether the vector paths (line framing, number parsing) run. <c>GOTRACE_FORCE_SCALAR=1</c> turns them off for the
/// process, so the scalar twins run under the same tests (as Sep runs every parser variant).
/// </summary>
internal static class Vectorization
{
    /// <summary>Read once at startup: vectors are used when the hardware has them and the environment does not forbid it.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("GOTRACE_FORCE_SCALAR") != "1";

    /// <summary>Whether 32-byte line framing runs.</summary>
    public static bool Framing { get; } = Enabled && Vector256.IsHardwareAccelerated;
}
