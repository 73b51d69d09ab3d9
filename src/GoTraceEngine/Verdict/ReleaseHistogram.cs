using System.Numerics;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Verdict;

/// <summary>
/// A fixed-size log-scale histogram of park→release durations: bucket <c>b</c> counts durations in
/// [2^(b-1), 2^b) clock units (bucket 0 holds 0). 64 buckets cover every <see cref="long"/>; 256 bytes, inline in its group.
/// </summary>
[InlineArray(BucketCount)]
internal struct ReleaseHistogram
{
    public const int BucketCount = 64;

    private uint _bucket;

    /// <summary>The bucket a duration falls in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BucketOf(long duration) => duration <= 0 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)duration);

    /// <summary>The largest duration bucket <paramref name="bucket"/> holds.</summary>
    public static long UpperBound(int bucket) => bucket <= 0 ? 0 : bucket >= 63 ? long.MaxValue : (1L << bucket) - 1;

    /// <summary>Counts one duration (saturating: a bucket never wraps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long duration)
    {
        ref uint count = ref this[BucketOf(duration)];
        if (count != uint.MaxValue)
        {
            count++;
        }
    }

    /// <summary>
    /// The upper bound of the bucket holding the <paramref name="quantile"/> quantile of <paramref name="total"/> counted
    /// durations, or 0 when nothing was counted: an overestimate by less than 2×.
    /// </summary>
    public readonly long Quantile(double quantile, long total)
    {
        if (total <= 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (int b = 0; b < BucketCount; b++)
        {
            seen += this[b];
            if (seen >= rank)
            {
                return UpperBound(b);
            }
        }

        return long.MaxValue;
    }
}
