using System.Runtime;
using System.Text;

namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>
/// Measures the managed bytes a repeated call allocates on the current thread, deterministically.
/// </summary>
/// <remarks>
/// <para>The per-thread counter also sees what the runtime itself allocates on the thread now and then: a method
/// compiled there for the first time, an on-stack-replacement compile of a loop still in tier-0 code, or tiering's
/// bookkeeping when a call-count threshold is reached while its background worker has to be started again. When that
/// happens depends on how far tiering got, which depends on what other tests ran meanwhile, so a single before/after
/// reading failed now and then (call 0 of a measured loop: 8032 bytes, one method compiled on the thread; call 46 of
/// 50: 7192 bytes, nothing compiled), never when the class ran alone.</para>
/// <para>So the body is first called until a call compiles nothing on this thread and allocates nothing (bounded), then
/// measured in up to five batches of <c>iterations</c> calls until one batch allocates nothing. A real allocation on the
/// engine's path allocates in every batch and is still caught; a one-off runtime allocation spoils one batch at most.</para>
/// </remarks>
internal static class Allocations
{
    private const int MaxBatches = 5;

    /// <summary>Runs <paramref name="body"/> until it is quiet (at most <paramref name="maxWarmUpCalls"/> times), then in batches of <paramref name="iterations"/> measured calls.</summary>
    /// <param name="iterations">Measured calls per batch.</param>
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
        long best = long.MaxValue;
        for (int batch = 0; batch < MaxBatches && best != 0; batch++)
        {
            long total = 0;
            var allocating = new StringBuilder();
            for (int i = 0; i < iterations; i++)
            {
                (long bytes, long jitted) = Call(body, call++);
                if (bytes != 0)
                {
                    total += bytes;
                    allocating.Append(FormattableString.Invariant($"call {i}: {bytes} B{(jitted > 0 ? " (JIT ran on the thread)" : string.Empty)}, "));
                }
            }

            best = Math.Min(best, total);
            details.Append(FormattableString.Invariant($"batch {batch}: {total} B [{allocating}]; "));
        }

        return new AllocationMeasurement(best, call, details.ToString());
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
/// <param name="Bytes">Bytes allocated by the cleanest batch of measured calls.</param>
/// <param name="Calls">Every call made, warm-up included.</param>
/// <param name="Details">Each batch's bytes and its allocating calls.</param>
internal sealed record AllocationMeasurement(long Bytes, int Calls, string Details)
{
    /// <summary>Asserts that a whole batch of calls allocated nothing.</summary>
    public void AssertNone(int iterations) =>
        Assert.True(Bytes == 0, $"every batch of {iterations} calls allocated: {Details}");
}
