using System.Runtime.CompilerServices;
using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Samples live and blocked-by-reason counts as events are applied, on an x axis of trace time (<c>ts=</c>) or, for
/// traces without timestamps, line numbers. The number of points stays bounded however long the trace: when the
/// buffer fills, every other point is dropped and the sampling interval doubles.
/// </summary>
internal sealed class TimelineRecorder
{
    private readonly int _maxPoints;
    private readonly byte[] _keys;
    private readonly int _stride;
    private long[] _points;
    private int _count;
    private long _interval;
    private long _next = long.MinValue;

    public TimelineRecorder(int maxPoints, ReasonTable reasons)
    {
        _maxPoints = Math.Max(16, maxPoints);
        var keys = new List<byte>();
        for (int code = 0; code < 256; code++)
        {
            if (reasons.IsBlocking((byte)code))
            {
                keys.Add(reasons.KeyOf((byte)code));
            }
        }

        _keys = [.. keys];
        _stride = 3 + _keys.Length;
        _points = new long[_maxPoints * _stride];
    }

    /// <summary>The blocking reasons sampled, as <see cref="ReasonKeys"/>.</summary>
    public ReadOnlySpan<byte> Keys => _keys;

    public int Count => _count;

    public ReadOnlySpan<long> Point(int index) => _points.AsSpan(index * _stride, _stride);

    /// <summary>Called after each applied event with its x (timestamp or line number).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe(long x, GoroutineState state)
    {
        if (x >= _next)
        {
            Record(x, state);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Record(long x, GoroutineState state)
    {
        if (_next == long.MinValue)
        {
            _interval = 1;
        }

        if (_count == _maxPoints)
        {
            // Halve the resolution: keep every other point, sample half as often.
            for (int i = 1; i < _count / 2; i++)
            {
                Array.Copy(_points, 2 * i * _stride, _points, i * _stride, _stride);
            }

            _count /= 2;
            _interval *= 2;
        }

        Span<long> point = _points.AsSpan(_count * _stride, _stride);
        point[0] = x;
        point[1] = state.Live.Count;
        point[2] = state.Blocked.Count;
        for (int i = 0; i < _keys.Length; i++)
        {
            point[3 + i] = state.BlockedWithKey(_keys[i]);
        }

        _count++;
        _next = x + _interval;
    }
}
