using System.Runtime;
using System.Text;

namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>
/// Measures the managed bytes a repeated call allocates on the current thread, deterministically.
/// </summary>
/// <remarks>
/// <para>The per-thread counter also sees what the runtime allocates on the thread while the JIT compiles there: a
/// method reached for the first time, or an on-stack-replacement compile of a loop still running tier-0 code. When
/// that happens depends on how far tiering got, which depends on what other tests ran on the same generic
/// instantiations, so a single before/after reading failed now and then (call 0 of a measured loop: 8032 bytes, one
/// method compiled on the thread).</para>
/// <para>So the body is first called until a call compiles nothing on this thread and allocates nothing (bounded), then
/// measured; a measured call during which this thread compiled is set aside and counted, not summed. A real
/// allocation on the engine's path allocates on every call and is still caught.</para>
/// </remarks>
internal static class Allocations
{
    /// <summary>Runs <paramref name="body"/> until it is quiet (at most <paramref name="maxWarmUpCalls"/> times), then <paramref name="iterations"/> measured times.</summary>
    /// <param name="iterations">Measured calls.</param>
    /// <param name="body">The call; its argument counts every call, warm-up included, from 0.</param>
    /// <param name="maxWarmUpCalls">The most warm-up calls.</param>
    public static AllocationMeasurement Measure(int iterations, Action<int> body, int maxWarmUpCalls = 64)
    {
        int call = 0;
        while (call < maxWarmUpCalls)
        {
            (long bytes, long jitted) = Call(body, call++);
            if (bytes == 0 && jitted == 0)
            {
                break;
            }
        }

        var details = new StringBuilder();
        long total = 0;
        int clean = 0;
        int compiling = 0;
        for (int i = 0; i < iterations; i++)
        {
            (long bytes, long jitted) = Call(body, call++);
            if (jitted > 0)
            {
                compiling++;
                continue;
            }

            clean++;
            if (bytes != 0)
            {
                total += bytes;
                details.Append(FormattableString.Invariant($"call {i}: {bytes} B; "));
            }
        }

        return new AllocationMeasurement(total, clean, compiling, call, details.ToString());
    }

    private static (long Bytes, long Jitted) Call(Action<int> body, int i)
    {
        long jit = JitInfo.GetCompiledMethodCount(currentThread: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        body(i);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return (bytes, JitInfo.GetCompiledMethodCount(currentThread: true) - jit);
    }
}

/// <summary>What <see cref="Allocations.Measure"/> saw.</summary>
/// <param name="Bytes">Bytes allocated by the measured calls during which nothing was compiled on the thread.</param>
/// <param name="CleanCalls">Those calls.</param>
/// <param name="CompilingCalls">Calls set aside because the JIT compiled on the thread meanwhile.</param>
/// <param name="Calls">Every call made, warm-up included.</param>
/// <param name="Details">The allocating calls.</param>
internal sealed record AllocationMeasurement(long Bytes, int CleanCalls, int CompilingCalls, int Calls, string Details)
{
    /// <summary>Asserts that no clean call allocated and that most calls were clean.</summary>
    public void AssertNone(int iterations)
    {
        Assert.True(Bytes == 0, $"allocated {Bytes} bytes: {Details}");
        Assert.True(CleanCalls >= iterations / 2, $"only {CleanCalls} of {iterations} calls ran without compiling on the thread");
    }
}
