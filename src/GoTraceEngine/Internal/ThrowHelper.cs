using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Internal;

/// <summary>Throws from outside hot methods, so they stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidOperation_Completed() => throw CreateInvalidOperation_Completed();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException CreateInvalidOperation_Completed() =>
        new("The engine has completed: no more input can be fed to it.");
}
