using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.State;

/// <summary>
/// Applies events to the live and blocked tables. A create adds to live (a create for a g that is already live means
/// its destroy was missed: an anomaly, and a fresh record). A park with a blocking reason blocks; any other park, a
/// ready or a destroy unblocks; a destroy removes. Events for a g never seen created (older than the trace) are counted
/// and ignored. Every park and release also goes to the <see cref="LeakVerdict"/>, which learns how long each group's
/// goroutines wait. Single writer; not thread-safe.
/// </summary>
internal sealed class GoroutineState
{
    private readonly OpenTable<LiveValue> _live;
    private readonly OpenTable<BlockedValue> _blocked;
    private readonly LeakVerdict _verdict;
    private readonly CreatorSites _sites = new();
    private ReasonTable _reasons;
    private readonly long[] _blockedByReason = new long[256];
    private readonly int _maxGoroutines;
    private bool _clockChosen;
    private bool _traceEndIsProgramSilence = true;

    public GoroutineState(ReasonTable reasons, int initialCapacity, int maxGoroutines = int.MaxValue, VerdictOptions verdict = default)
    {
        _maxGoroutines = maxGoroutines;
        _reasons = reasons;
        _live = new OpenTable<LiveValue>(initialCapacity);
        _blocked = new OpenTable<BlockedValue>(initialCapacity);
        _verdict = new LeakVerdict(verdict);
    }

    public OpenTable<LiveValue> Live => _live;

    public OpenTable<BlockedValue> Blocked => _blocked;

    /// <summary>
    /// Empties both tables and gives their memory back now (<see cref="OpenTable{TValue}.Release"/>), with the blocked
    /// counts by reason: what a disposed engine holds.
    /// </summary>
    public void ReleaseTables()
    {
        _live.Release();
        _blocked.Release();
        Array.Clear(_blockedByReason);
    }

    /// <summary>How many blocked-table slots ahead <see cref="PrefetchLiveAhead"/> looks.</summary>
    internal const int LiveLookAhead = 16;

    /// <summary>
    /// For a walk of the blocked table in slot order that reads each goroutine's live record (the report, the
    /// dashboard's group counts): starts loading the live record of the goroutine <see cref="LiveLookAhead"/> slots
    /// after <paramref name="blockedSlot"/>. The walk is sequential and the live table's slots random; past the caches
    /// (1 M live) each lookup would otherwise wait out a miss. A hint: it changes nothing.
    /// </summary>
    /// <param name="blockedSlot">The slot the walk is at.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PrefetchLiveAhead(int blockedSlot)
    {
        int ahead = blockedSlot + LiveLookAhead;
        if (ahead < _blocked.Capacity && _blocked.DangerousGetEntry(ahead).Key is not 0 and var key)
        {
            _live.Prefetch(key);
        }
    }

    /// <summary>The go statements seen (<c>gopc=</c>): what a site creator key names.</summary>
    public CreatorSites Sites => _sites;

    /// <summary>What the trace's history says about each group's waits.</summary>
    public LeakVerdict Verdict => _verdict;

    /// <summary>The numbering of <c>reason=</c>; a trace header can change it.</summary>
    public ReasonTable Reasons { get => _reasons; set => _reasons = value; }

    /// <summary>Blocked goroutines with the reason <paramref name="code"/> names in the current table; kept per event so it can be read at any time (metrics).</summary>
    public long BlockedWithReason(byte code) => BlockedWithKey(_reasons.KeyOf(code));

    /// <summary>Blocked goroutines per <see cref="ReasonKeys"/> key, kept per event: read it instead of walking the table.</summary>
    public ReadOnlySpan<long> BlockedByReasonKey => _blockedByReason.AsSpan(0, ReasonKeys.Count);

    /// <summary>Blocked goroutines whose reason has <paramref name="key"/> (<see cref="ReasonKeys"/>), whatever table named it.</summary>
    public long BlockedWithKey(byte key) => Volatile.Read(ref _blockedByReason[key]);

    /// <summary>
    /// Whether the trace's end record (<c>END:</c>) moves the verdict's clock. The end is when the tracer stopped, which
    /// is silence in the program only if the program had stopped first: a tracer detached from a running program (a
    /// timed attach, Ctrl-C) prints its end after its probes are gone, and the gap says nothing about the program.
    /// True unless the trace follows the bundled scripts' convention (a <c># gotrace</c> header, then
    /// <c># exit code=</c> or <c># exit signal=</c> when the program ends) and no exit was seen before the end.
    /// Ticks always move the clock: they fire while the probes are attached. False also keeps a blocked main goroutine
    /// from being called leaked (<see cref="LeakVerdict.ProgramEndedByItself"/>).
    /// </summary>
    public bool TraceEndIsProgramSilence
    {
        get => _traceEndIsProgramSilence;
        set
        {
            _traceEndIsProgramSilence = value;
            _verdict.UnsettledTail = value ? 0 : UnsettledTailNs;
            _verdict.ProgramEndedByItself = value;
        }
    }

    /// <summary>
    /// When a signal killed the program (<c># exit signal=N ts=T</c>), 0 when not known: the end record then moves the
    /// verdict's clock only this far (see <see cref="TraceEndIsProgramSilence"/>).
    /// </summary>
    public long ProgramKilledAt { get; set; }

    /// <summary>
    /// How late a tracer's lines may reach the trace (the reorder window, in ns): while the program is not known to have
    /// ended (<see cref="TraceEndIsProgramSilence"/> false), the verdict's silence rules leave that much of the trace's
    /// end out (<see cref="LeakVerdict.UnsettledTail"/>).
    /// </summary>
    public long UnsettledTailNs { get; set; }

    /// <summary>Creates for a g that was already live: its destroy was missed (lost, or printed out of order).</summary>
    public long MissedDestroys { get; private set; }

    /// <summary>Creates not tracked because <see cref="TraceEngineOptions.MaxGoroutines"/> goroutines were live.</summary>
    public long DroppedCreates { get; private set; }

    /// <summary>The line of the first create dropped at the cap, or 0.</summary>
    public long FirstDroppedLine { get; private set; }

    /// <summary>Parks of goroutines the trace never saw created.</summary>
    public long UntrackedParks { get; private set; }

    /// <summary>
    /// Goroutines created before the trace and followed from their first park, which named them (a trace attached to a
    /// running program). Each also counts in <see cref="UntrackedParks"/>.
    /// </summary>
    public long AdoptedGoroutines { get; private set; }

    /// <summary>Readies of goroutines the trace never saw created.</summary>
    public long UntrackedReadies { get; private set; }

    /// <summary>Destroys of goroutines the trace never saw created.</summary>
    public long UntrackedDestroys { get; private set; }

    /// <summary>A blocked goroutine's park time on the verdict's clock (ts, or the park's line without timestamps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ParkTime(in BlockedValue value) => _verdict.Clock == VerdictClock.Events ? value.ParkLineNumber : value.ParkTimestamp;

    /// <summary>Judges a blocked goroutine at the verdict's <see cref="LeakVerdict.Now"/>: its group, object, park time and whether it was found blocked.</summary>
    public VerdictEvidence Classify(in BlockedValue value) =>
        _verdict.Classify(value.Group, value.WaitObject, ParkTime(value), (value.Flags & BlockedFlags.FoundBlocked) != 0);

    /// <summary>
    /// Whether a timestamped event that arrived too late to be put in order is older than its goroutine's current
    /// state: a ready before its park, a destroy or park before its create (the previous goroutine on a reused g).
    /// Such an event belongs to a state the goroutine already left and must not be applied to the current one.
    /// </summary>
    public bool IsStale(in TraceEvent e)
    {
        if (e.GPointer == 0)
        {
            return false;
        }

        ref LiveValue live = ref _live.GetValueRefOrNullRef(e.GPointer);
        return !Unsafe.IsNullRef(ref live) && e.Timestamp < live.LastTimestamp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(in TraceEvent e)
    {
        if (!_clockChosen)
        {
            ChooseClock(in e);
        }

        long now = _verdict.Clock == VerdictClock.Events ? e.LineNumber : e.Timestamp;
        switch (e.Kind)
        {
            case TraceEventKind.Create:
                Create(in e, now);
                break;
            case TraceEventKind.Park:
                Park(in e, now);
                break;
            case TraceEventKind.Ready:
                Ready(e.GPointer, e.Timestamp, now);
                break;
            case TraceEventKind.Destroy:
                Destroy(e.GPointer, now);
                break;
            case TraceEventKind.End:
                if (TraceEndIsProgramSilence)
                {
                    _verdict.Advance(now);
                }
                else if (ProgramKilledAt > 0 && _verdict.Clock == VerdictClock.Nanoseconds)
                {
                    // Killed while it ran: the program's silence, if any, lasted until the kill, not until the tracer's end.
                    _verdict.Advance(Math.Min(ProgramKilledAt, now));
                }

                break;
            default:
                _verdict.Advance(now);
                break;
        }
    }

    /// <summary>The verdict's clock, once: the trace's timestamps when its first event has one, else event order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ChooseClock(in TraceEvent e)
    {
        _clockChosen = true;
        _verdict.Clock = (e.Fields & TraceEventFields.Timestamp) != 0 ? VerdictClock.Nanoseconds : VerdictClock.Events;
    }

    private void Create(in TraceEvent e, long now)
    {
        ulong g = e.GPointer;
        if (_live.Count >= _maxGoroutines && !_live.ContainsKey(g))
        {
            DropCreate(e.LineNumber);
            _verdict.OnActivity(now);
            return;
        }

        ref LiveValue value = ref _live.GetValueRefOrAddDefault(g, out bool exists);
        if (exists)
        {
            MissedDestroys++;
            if (value.IsBlocked)
            {
                Unblock(g, now);
            }
            else
            {
                _verdict.OnActivity(now);
            }
        }
        else
        {
            _verdict.OnActivity(now);
        }

        value.Parent = e.Parent;
        value.CreateLineNumber = e.LineNumber;
        value.LastTimestamp = e.Timestamp;
        value.GoId = e.GoId;
        value.StartFunction = e.StartFunction;
        value.Creator = (e.Fields & TraceEventFields.CreatorPc) != 0 && e.CreatorPc != 0 ? _sites.Intern(e.CreatorPc, e.Creator) : e.Creator;
        value.IsBlocked = false;
        value.OlderParked = false;
    }

    /// <summary>
    /// A goroutine created before the trace, met at a park that names it (<c>fn=</c>, as the bundled scripts print
    /// when attached to a running program): followed from here on, so its waits count in its group's history. Its
    /// create line is 0: created before the trace.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Adopt(in TraceEvent e)
    {
        AdoptedGoroutines++;
        ref LiveValue value = ref _live.GetValueRefOrAddDefault(e.GPointer, out _);
        value.Parent = e.Parent;
        value.CreateLineNumber = 0;
        value.GoId = e.GoId;
        value.StartFunction = e.StartFunction;
        value.Creator = (e.Fields & TraceEventFields.CreatorPc) != 0 && e.CreatorPc != 0 ? _sites.Intern(e.CreatorPc, e.Creator) : e.Creator;
        value.IsBlocked = false;
        value.OlderParked = false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropCreate(long lineNumber)
    {
        if (DroppedCreates++ == 0)
        {
            FirstDroppedLine = lineNumber;
        }
    }

    private void Park(in TraceEvent e, long now)
    {
        ulong g = e.GPointer;
        ref LiveValue live = ref _live.GetValueRefOrNullRef(g);
        if (Unsafe.IsNullRef(ref live))
        {
            UntrackedParks++;
            if ((e.Fields & TraceEventFields.StartFunction) == 0 || _live.Count >= _maxGoroutines)
            {
                _verdict.OnActivity(now);
                return;
            }

            Adopt(in e);
            live = ref _live.GetValueRefOrNullRef(g);
        }
        else if ((e.Fields & (TraceEventFields.GoId | TraceEventFields.StartFunction | TraceEventFields.Creator)) != 0)
        {
            FillIdentity(ref live, in e);
        }

        live.LastTimestamp = e.Timestamp;
        byte reason = e.Reason;
        if (_reasons.IsBlocking(reason))
        {
            ref BlockedValue value = ref _blocked.GetValueRefOrAddDefault(g, out bool exists);
            byte key = _reasons.KeyOf(reason);

            // A second park with no ready between (the prologue retried after morestack) is the same park: keep its start.
            if (!exists || value.Key != key)
            {
                if (exists)
                {
                    // Parked again for another reason: the first park ended.
                    _blockedByReason[value.Key]--;
                    _verdict.OnRelease(value.Group, value.WaitObject, ParkTime(value), now, (value.Flags & BlockedFlags.OlderRepeat) != 0);
                }

                _blockedByReason[key]++;
                value.Reason = reason;
                value.Key = key;
                value.ParkLineNumber = e.LineNumber;

                // Found blocked as the trace began (since=): it has waited since about then, not since the line.
                value.ParkTimestamp = e.BlockedSince is > 0 and var since && since < e.Timestamp ? since : e.Timestamp;
                value.WaitObject = e.WaitObject;
                value.WaitReason = e.WaitReason;
                value.Flags = BlockedFlagsOf(e.Fields);
                if (e.WaitObject == 0)
                {
                    // obj=0: the park had no lock argument (select, sleep): nothing to group by.
                    value.Flags &= ~BlockedFlags.WaitObject;
                }

                value.Group = _verdict.OnPark(live.StartFunction, live.Creator, key, value.WaitObject, now);
                if (live.CreateLineNumber == 0)
                {
                    // Created before the trace (followed from its first park): its group's goroutines run in the trace.
                    // Its first blocking park seen may be an independent episode of its group, its later ones are not.
                    _verdict.OnAdopted(value.Group);
                    if (live.OlderParked)
                    {
                        value.Flags |= BlockedFlags.OlderRepeat;
                    }

                    live.OlderParked = true;
                }
            }
            else
            {
                if ((value.Flags & BlockedFlags.FoundBlocked) != 0 && (e.Fields & TraceEventFields.BlockedSince) == 0)
                {
                    // Found blocked, then seen to park with no ready between: the read caught it as a ready of it began
                    // (its probe fired first), and this park, the trace's own, starts the block it is in.
                    value.ParkLineNumber = e.LineNumber;
                    value.ParkTimestamp = e.Timestamp;
                    value.Flags = (value.Flags & BlockedFlags.OlderRepeat) | BlockedFlagsOf(e.Fields);
                    value.WaitObject = e.WaitObject;
                    value.WaitReason = e.WaitReason;
                    if (e.WaitObject == 0)
                    {
                        value.Flags &= ~BlockedFlags.WaitObject;
                    }
                }

                _verdict.OnActivity(now);
            }

            live.IsBlocked = true;
        }
        else if (live.IsBlocked)
        {
            Unblock(g, now);
            live.IsBlocked = false;
        }
        else
        {
            _verdict.OnActivity(now);
        }
    }

    /// <summary>Removes a blocked goroutine: its park ended (a ready, a park that does not block, a destroy, a missed destroy).</summary>
    private void Unblock(ulong g, long now)
    {
        if (_blocked.Remove(g, out BlockedValue removed))
        {
            _blockedByReason[removed.Key]--;
            _verdict.OnRelease(removed.Group, removed.WaitObject, ParkTime(removed), now, (removed.Flags & BlockedFlags.OlderRepeat) != 0);
        }
    }

    /// <summary>A create line may lack what a later park line prints (goid, fn): keep the first values seen.</summary>
    private static void FillIdentity(ref LiveValue live, in TraceEvent e)
    {
        if (live.GoId == 0)
        {
            live.GoId = e.GoId;
        }

        if (live.StartFunction == 0)
        {
            live.StartFunction = e.StartFunction;
        }

        if (live.Creator == 0)
        {
            live.Creator = e.Creator;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static BlockedFlags BlockedFlagsOf(TraceEventFields fields) =>
        ((fields & TraceEventFields.Timestamp) != 0 ? BlockedFlags.Timestamp : BlockedFlags.None)
        | ((fields & TraceEventFields.WaitObject) != 0 ? BlockedFlags.WaitObject : BlockedFlags.None)
        | ((fields & TraceEventFields.WaitReason) != 0 ? BlockedFlags.WaitReason : BlockedFlags.None)
        | ((fields & TraceEventFields.BlockedSince) != 0 ? BlockedFlags.FoundBlocked : BlockedFlags.None);

    private void Ready(ulong g, long timestamp, long now)
    {
        ref LiveValue live = ref _live.GetValueRefOrNullRef(g);
        if (Unsafe.IsNullRef(ref live))
        {
            UntrackedReadies++;
            _verdict.OnUntrackedRelease(now);
            return;
        }

        live.LastTimestamp = timestamp;
        if (live.IsBlocked)
        {
            Unblock(g, now);
            live.IsBlocked = false;
        }
        else
        {
            _verdict.OnActivity(now);
        }
    }

    private void Destroy(ulong g, long now)
    {
        ref LiveValue live = ref _live.GetValueRefOrNullRef(g);
        if (Unsafe.IsNullRef(ref live))
        {
            UntrackedDestroys++;
            _verdict.OnActivity(now);
            return;
        }

        if (live.IsBlocked)
        {
            Unblock(g, now);
        }
        else
        {
            _verdict.OnActivity(now);
        }

        _live.Remove(g);
    }
}
