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
    private long _staleEvents;
    private long _untrustedTimestamps;
    private int _behindRun;
    private readonly long _maxClockJump;

    /// <summary>Untrusted timestamps in a row behind the clock after which the clock itself is taken to be what was wrong.</summary>
    private const int ReanchorAfter = 16;

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
        if (ts < 0 || (_hasTimestamps && (ulong)(ts - _lastTimestamp + _maxClockJump) > (ulong)(2 * _maxClockJump)))
        {
            OnUntrustedTimestamp(in e);
            return;
        }

        _behindRun = 0;
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

        if (_state.IsStale(in e))
        {
            // Older than what its goroutine did since: applying it would undo a newer state (or hit the next goroutine on a reused g).
            _staleEvents++;
            AddDiagnostic(e.LineNumber, "stale", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ts={e.Timestamp} arrived after later events of its goroutine were applied: not applied"), ReadOnlySpan<byte>.Empty);
            return;
        }

        Apply(in e);
    }

    /// <summary>
    /// A timestamp outside the trace's running clock (negative, or further than <see cref="TraceEngineOptions.MaxClockJump"/>
    /// from the latest one): a corrupt value. The event is applied in arrival order at the current clock, which it does not move.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnUntrustedTimestamp(in TraceEvent e)
    {
        long ts = e.Timestamp;
        if (_hasTimestamps && ts >= 0 && ts < _lastTimestamp && ++_behindRun >= ReanchorAfter)
        {
            // Many in a row are behind by more than the limit: the clock was set by a corrupt timestamp. Apply what is
            // held and restart the clock here.
            _behindRun = 0;
            DrainReorderBuffer();
            _lastTimestamp = ts;
            _releasedTimestamp = long.MinValue;
            _firstTimestamp = Math.Min(_firstTimestamp, ts);
            AddDiagnostic(e.LineNumber, "clock", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{ReanchorAfter} timestamps in a row were far behind the clock: the clock restarts at ts={ts}"), ReadOnlySpan<byte>.Empty);
            OnTimedEvent(in e);
            return;
        }

        _untrustedTimestamps++;
        AddDiagnostic(e.LineNumber, "clock", string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"ts={ts} is outside the trace's clock (latest ts={(_hasTimestamps ? _lastTimestamp : 0)}, limit {_maxClockJump / 1_000_000_000}s either way): applied in arrival order"), ReadOnlySpan<byte>.Empty);
        TraceEvent placed = e.WithTimestamp(_hasTimestamps ? _lastTimestamp : 0);
        if (_reorder.Count == 0)
        {
            Apply(in placed);
        }
        else
        {
            _reorder.Push(in placed);
        }
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
