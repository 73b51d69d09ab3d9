using System.Globalization;
using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// Puts timestamped events back in time order before they reach the tables. Tracers drain one buffer per CPU, so lines
/// arrive out of order; events wait in a <see cref="ReorderBuffer"/> until the reorder window (in trace time) has
/// passed them, then go to the applier in (ts, line) order. Also keeps the trace's clock honest: a timestamp far
/// outside it is corrupt (applied in arrival order, the clock unmoved), and a late event older than its goroutine's
/// state is stale (not applied).
/// </summary>
/// <remarks>
/// <para>Single writer, except <see cref="CountStale"/>, which its applier calls (with both cores parsing, from the
/// apply turn, while the next chunk's order turn may be running: nothing in ordering reads that count); the counters
/// may be read from another thread (progress, metrics).</para>
/// <para>Events whose window has passed are released in runs, not after every push: a push only holds its event,
/// and what is due is applied every <see cref="ReleaseEvery"/> pushes, and whenever the result could depend on it
/// (<see cref="ReleaseDue"/>). The order, and everything the applier sees, are what releasing after every push gives:
/// each run is the union of the releases it stands for, in (ts, line) order. What could tell the difference is
/// handled first: an event that may be late (behind the window's edge: late or not is then decided after the
/// release), an untrusted timestamp, a full buffer, and the engine's reads between feeds and its rare lines, which
/// call <see cref="ReleaseDue"/>. Measured against releasing after every push (full format, 300 MB, one thread,
/// interleaved runs): 1.10-1.13x less CPU time, with about the same instructions; the released events, written a
/// window ago, are read in longer runs.</para>
/// </remarks>
internal sealed class EventOrderer(TimeSpan window, TimeSpan maxClockJump, int maxPending)
{
    /// <summary>Untrusted timestamps in a row behind the clock after which the clock itself is taken to be what was wrong.</summary>
    private const int ReanchorAfter = 16;

    /// <summary>Pushes after which what is due is released: what waits past its window stays small (under 100 KB).</summary>
    private const int ReleaseEvery = 1024;

    private readonly ReorderBuffer _buffer = new();
    private readonly long _window = window.Ticks * 100L;
    private readonly long _maxClockJump = Math.Min(maxClockJump.Ticks, long.MaxValue / 400) * 100L;
    private bool _hasTimestamps;
    private long _firstTimestamp;
    private long _lastTimestamp;
    private long _releasedTimestamp = long.MinValue;
    private long _reordered;
    private long _late;
    private long _maxLateness;
    private long _overflowReleases;
    private long _stale;
    private long _untrusted;
    private int _behindRun;
    private int _pushesSinceRelease;

    /// <summary>Whether any event had <c>ts=</c>: the x axis is then time, else line numbers.</summary>
    public bool HasTimestamps => _hasTimestamps;

    /// <summary>The latest <c>ts=</c> read so far (0 without timestamps): the trace's "now".</summary>
    public long LatestTimestamp => _lastTimestamp;

    /// <summary>Events that arrived later than the window.</summary>
    public long LateEvents => Volatile.Read(ref _late);

    /// <summary>Events held for reordering, not yet applied.</summary>
    public int PendingEvents => _buffer.Count;

    /// <summary>Events applied before their window closed because the buffer was full.</summary>
    public long OverflowReleases => _overflowReleases;

    /// <summary>The window, in nanoseconds.</summary>
    public long WindowNs => _window;

    /// <summary>Takes one event; applies it and every held event whose window has passed, in time order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push<TApplier>(in TraceEvent e, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        if ((e.Fields & TraceEventFields.Timestamp) != 0)
        {
            PushTimed(in e, ref applier);
        }
        else if (_buffer.Count == 0)
        {
            applier.Apply(in e);
        }
        else
        {
            // An untimed line among timed ones (a tick, END): it goes after everything seen so far. Whether events
            // due are still held makes no difference: it goes after them too, and an event that arrives later and
            // would go before it is behind the window's edge, which releases it first (see PushTimed).
            _buffer.Push(e.WithTimestamp(_lastTimestamp));
        }
    }

    /// <summary>
    /// Applies what is due: every held event the window has passed. After it, what is held and what was applied are
    /// what releasing after every push would give; the engine calls it before its tables are read and before a rare line.
    /// </summary>
    public void ReleaseDue<TApplier>(ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        _pushesSinceRelease = 0;
        long limit = _lastTimestamp - _window;
        if (_buffer.EarliestTimestamp <= limit)
        {
            ReleaseAtOrBefore(limit, ref applier);
        }
    }

    /// <summary>Applies every held event: the end of input closes the window.</summary>
    public void Drain<TApplier>(ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        ReleaseAtOrBefore(long.MaxValue, ref applier);
    }

    public TimingSummary Summarize() => new()
    {
        HasTimestamps = _hasTimestamps,
        FirstTs = _hasTimestamps ? _firstTimestamp : null,
        LastTs = _hasTimestamps ? _lastTimestamp : null,
        DurationNs = _hasTimestamps ? _lastTimestamp - _firstTimestamp : null,
        ReorderWindowNs = _window,
        Reordered = _reordered,
        Late = _late,
        MaxLatenessNs = _maxLateness,
        OverflowReleases = _overflowReleases,
        Pending = _buffer.Count,
        Stale = _stale,
        UntrustedTimestamps = _untrusted,
    };

    /// <summary>The report's warnings about ordering: late events, and a full buffer.</summary>
    public IEnumerable<TraceWarning> Warnings(int maxPending)
    {
        if (_late > 0)
        {
            yield return new TraceWarning
            {
                Kind = WarningKind.Late,
                Line = 0,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{_late} events arrived more than the reorder window ({ReportWriter.FormatDuration(_window)}) after later ones and were applied out of time order; {_stale} of them were older than their goroutine's state and were not applied. A wider --reorder-window puts them in order"),
            };
        }

        if (_overflowReleases > 0)
        {
            yield return new TraceWarning
            {
                Kind = WarningKind.Limit,
                Line = 0,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{_overflowReleases} events applied before their reorder window closed: {maxPending} were held (MaxPendingEvents)"),
            };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PushTimed<TApplier>(in TraceEvent e, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        long ts = e.Timestamp;
        if (ts < 0 || (_hasTimestamps && (ulong)(ts - _lastTimestamp + _maxClockJump) > (ulong)(2 * _maxClockJump)))
        {
            OnUntrustedTimestamp(in e, ref applier);
            return;
        }

        _behindRun = 0;
        if (!_hasTimestamps)
        {
            _hasTimestamps = true;
            _firstTimestamp = ts;
            _lastTimestamp = ts;
        }

        if (ts < _releasedTimestamp || ts < _lastTimestamp - _window)
        {
            // Behind the window's edge: whether it is late depends on what releasing after every push would have
            // applied by now, so that goes first. An event not behind the edge cannot be late: nothing after it was released.
            ReleaseDue(ref applier);
            if (ts < _releasedTimestamp)
            {
                // Later than the window: events after it were already applied. Apply it now rather than lose it.
                OnLateEvent(in e, ref applier);
                return;
            }
        }

        if (ts >= _lastTimestamp)
        {
            _lastTimestamp = ts;
        }
        else
        {
            _reordered++;
        }

        if (ts < _firstTimestamp)
        {
            _firstTimestamp = ts;
        }

        _buffer.Push(in e);
        if (++_pushesSinceRelease >= ReleaseEvery)
        {
            ReleaseDue(ref applier);
        }

        if (_buffer.Count > maxPending)
        {
            OnFull(ref applier);
        }
    }

    /// <summary>More than the most events to hold: what is due goes first, then (still full) the earliest, before its window closes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnFull<TApplier>(ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        ReleaseDue(ref applier);
        if (_buffer.Count > maxPending && _buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent oldest))
        {
            _overflowReleases++;
            Release(in oldest, ref applier);
        }
    }

    /// <summary>
    /// Applies, in order, every held event whose timestamp is at most <paramref name="limit"/>. Not inlined: a push
    /// calls it only when the earliest held event is due, and the line loop stays free of the release loop and the
    /// applier's code.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseAtOrBefore<TApplier>(long limit, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        while (_buffer.TryPeekAtOrBefore(limit, out TraceEvent next))
        {
            // Applied, then removed: the applier never touches the buffer.
            Release(in next, ref applier);
            _buffer.RemoveEarliest();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Release<TApplier>(in TraceEvent next, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        _releasedTimestamp = next.Timestamp;
        applier.Apply(in next);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnLateEvent<TApplier>(in TraceEvent e, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        Volatile.Write(ref _late, _late + 1);
        _maxLateness = Math.Max(_maxLateness, _releasedTimestamp - e.Timestamp);
        if (e.Timestamp < _firstTimestamp)
        {
            _firstTimestamp = e.Timestamp;
        }

        // Applied unless older than what its goroutine did since: applying it would undo a newer state (or hit the next
        // goroutine on a reused g). The applier judges it against the tables, after every event before it.
        applier.ApplyLate(in e);
    }

    /// <summary>Counts a late event its applier found stale and did not apply (<see cref="IEventApplier.ApplyLate"/>).</summary>
    public void CountStale() => _stale++;

    /// <summary>
    /// A timestamp outside the trace's running clock (negative, or further than the limit from the latest one): a
    /// corrupt value. The event is applied in arrival order at the current clock, which it does not move.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnUntrustedTimestamp<TApplier>(in TraceEvent e, ref TApplier applier)
        where TApplier : struct, IEventApplier
    {
        ReleaseDue(ref applier);
        long ts = e.Timestamp;
        if (_hasTimestamps && ts >= 0 && ts < _lastTimestamp && ++_behindRun >= ReanchorAfter)
        {
            // Many in a row are behind by more than the limit: the clock was set by a corrupt timestamp. What is held
            // carries that corrupt time (the event that set it, and the untrusted ones placed at it): apply it in
            // arrival order at the restarted clock, then go on from here.
            _behindRun = 0;
            while (_buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent held))
            {
                applier.Apply(held.WithTimestamp(ts));
            }

            _lastTimestamp = ts;
            _releasedTimestamp = long.MinValue;
            _firstTimestamp = Math.Min(_firstTimestamp, ts);
            applier.Diagnose(DiagnosticKind.Clock, e.LineNumber, string.Create(CultureInfo.InvariantCulture,
                $"{ReanchorAfter} timestamps in a row were far behind the clock: the clock restarts at ts={ts}"));
            PushTimed(in e, ref applier);
            return;
        }

        _untrusted++;
        applier.Diagnose(DiagnosticKind.Clock, e.LineNumber, string.Create(CultureInfo.InvariantCulture,
            $"ts={ts} is outside the trace's clock (latest ts={(_hasTimestamps ? _lastTimestamp : 0)}, limit {_maxClockJump / 1_000_000_000}s either way): applied in arrival order"));
        TraceEvent placed = e.WithTimestamp(_hasTimestamps ? _lastTimestamp : 0);
        if (_buffer.Count == 0)
        {
            applier.Apply(in placed);
        }
        else
        {
            _buffer.Push(in placed);
        }
    }
}
