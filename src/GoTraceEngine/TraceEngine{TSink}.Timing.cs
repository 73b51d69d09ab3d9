using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.State;

namespace GoTraceEngine;

// Time order. Tracers drain one buffer per CPU, so timestamped lines arrive out of order; they wait in a min-heap
// until the reorder window (in trace time) has passed them, then reach the tables in (ts, line) order.
public partial class TraceEngine<TSink>
{
    private readonly ReorderBuffer _reorder = new();
    private readonly long _window;
    private ReasonTable? _waitReasons;
    private bool _hasTimestamps;
    private long _firstTimestamp;
    private long _lastTimestamp;
    private long _releasedTimestamp = long.MinValue;
    private long _reorderedEvents;
    private long _lateEvents;
    private long _maxLateness;
    private long _overflowReleases;

    /// <summary>The latest <c>ts=</c> read so far (0 without timestamps): the trace's "now".</summary>
    public long LatestTimestamp => _lastTimestamp;

    /// <summary>Events that arrived later than the reorder window (applied at once, out of order).</summary>
    public long LateEvents => _lateEvents;

    /// <summary>Timestamped events held for reordering, not yet applied.</summary>
    public int PendingEvents => _reorder.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnTimedEvent(in TraceEvent e)
    {
        long ts = e.Timestamp;
        if (!_hasTimestamps)
        {
            _hasTimestamps = true;
            _firstTimestamp = ts;
            _lastTimestamp = ts;
        }

        if (ts < _releasedTimestamp)
        {
            // Later than the window: events after it were already applied. Apply it now rather than lose it.
            OnLateEvent(in e);
            return;
        }

        if (ts >= _lastTimestamp)
        {
            _lastTimestamp = ts;
        }
        else
        {
            _reorderedEvents++;
        }

        if (ts < _firstTimestamp)
        {
            _firstTimestamp = ts;
        }

        _reorder.Push(in e);
        long limit = _lastTimestamp - _window;
        while (_reorder.TryPopAtOrBefore(limit, out TraceEvent next))
        {
            Release(in next);
        }

        if (_reorder.Count > _options.MaxPendingEvents && _reorder.TryPopAtOrBefore(long.MaxValue, out TraceEvent oldest))
        {
            _overflowReleases++;
            Release(in oldest);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnLateEvent(in TraceEvent e)
    {
        _lateEvents++;
        _maxLateness = Math.Max(_maxLateness, _releasedTimestamp - e.Timestamp);
        if (e.Timestamp < _firstTimestamp)
        {
            _firstTimestamp = e.Timestamp;
        }

        Apply(in e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Release(in TraceEvent next)
    {
        _releasedTimestamp = next.Timestamp;
        Apply(in next);
    }

    /// <summary>Applies every held event: the end of input closes the window.</summary>
    private void DrainReorderBuffer()
    {
        while (_reorder.TryPopAtOrBefore(long.MaxValue, out TraceEvent next))
        {
            Release(in next);
        }
    }
}
