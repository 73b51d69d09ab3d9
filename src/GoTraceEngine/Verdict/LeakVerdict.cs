using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GoTraceEngine.State;

namespace GoTraceEngine.Verdict;

/// <summary>
/// Decides which blocked goroutines are leaks from the trace's own history: for every group (start function, creator,
/// park reason) how long its goroutines waited before being released, for every wait object whether releases keep
/// happening, and whether anything still runs at all. Fed once per goroutine event, it keeps bounded, fixed-size state
/// (a group table capped at <see cref="VerdictOptions.MaxGroups"/>, a wait-object sketch of
/// <see cref="VerdictOptions.WaitObjects"/> entries) and allocates nothing per event once its group table has grown.
/// </summary>
/// <remarks>
/// <para>Feeding: call exactly one of <see cref="OnPark"/>, <see cref="OnRelease"/>, <see cref="OnUntrackedRelease"/>
/// or <see cref="OnActivity"/> for every goroutine event the engine applies, in the order it applies them, and
/// <see cref="Advance"/> for ticks and the end. Times are on one clock (<see cref="Clock"/>): nanoseconds when the
/// trace has <c>ts=</c>, else the line number (event order is the clock).</para>
/// <para>Reading: <see cref="Classify"/> judges one blocked goroutine at the verdict's "now" (the latest time fed).</para>
/// <para>Single writer, not thread-safe: read between feeds, from the feeding thread.</para>
/// </remarks>
internal sealed class LeakVerdict
{
    private readonly VerdictOptions _options;
    private readonly VerdictGroupTable _groups;
    private readonly WaitObjectSketch _objects;
    private long _now = long.MinValue;
    private long _firstActivity = long.MinValue;
    private long _lastActivity = long.MinValue;
    private long _activityEvents;

    // QuietThreshold's last answer, and the activity count and clock it was for (-1: none yet).
    private long _quietThreshold;
    private long _quietStampEvents = -1;
    private bool _quietStampClock;
    private long _lastRelease = long.MinValue;
    private long _firstRelease = long.MinValue;
    private long _anyReleases;
    private long _releases;
    private long _untrackedReleases;
    private long _slowestFirstRelease = -1;
    private long _secondSlowestFirstRelease = -1;
    private int _groupsReleased;
    private long _longestOlderRelease = -1;
    private Dictionary<KinKey, KinHistory>? _kin;
    private Func<int, string?>? _startFunctionName;
    private long _kinStampEvents = -1;
    private int _mainFunction;
    private int _mainScannedGroups = VerdictGroupTable.OverflowGroup + 1;

    public LeakVerdict(VerdictOptions options = default, VerdictClock clock = VerdictClock.Nanoseconds)
    {
        _options = options;
        Clock = clock;
        _groups = new VerdictGroupTable(options.InitialGroups, options.MaxGroups);
        _objects = new WaitObjectSketch(options.WaitObjects);
    }

    /// <summary>What times are measured in; set it before the first event (a trace with <c>ts=</c> uses nanoseconds).</summary>
    public VerdictClock Clock { get; set; }

    /// <summary>The settings.</summary>
    public VerdictOptions Options => _options;

    /// <summary>The latest time fed: the "now" <see cref="Classify"/> judges at.</summary>
    public long Now => _now;

    /// <summary>Releases of parks the verdict saw.</summary>
    public long Releases => _releases;

    /// <summary>Releases of goroutines whose park the trace never saw (attached mid-flight): counted as activity only.</summary>
    public long UntrackedReleases => _untrackedReleases;

    /// <summary>The groups.</summary>
    public VerdictGroupTable Groups => _groups;

    /// <summary>The wait-object sketch.</summary>
    public WaitObjectSketch Objects => _objects;

    /// <summary>
    /// The name groups of one function share (see rule 5 in <see cref="Classify"/>): a start function's name as a
    /// traceback prints it, a compiler wrapper resolved to the function it calls (<c>main.(*server).sessions.gowrap3</c>
    /// → <c>main.(*server).session</c>). Null (the default), or no name for an id, keys them by the interned start
    /// function alone, and finds no main goroutine (rule 1b). Called when classifying, never per event.
    /// </summary>
    public Func<int, string?>? StartFunctionName
    {
        get => _startFunctionName;
        set
        {
            _startFunctionName = value;
            OnNamesChanged();
        }
    }

    /// <summary>The names <see cref="StartFunctionName"/> gives may have changed (a symbol line was read): group them again.</summary>
    public void OnNamesChanged()
    {
        _kinStampEvents = -1;
        _mainFunction = 0;
        _mainScannedGroups = VerdictGroupTable.OverflowGroup + 1;
    }

    /// <summary>The index of a group, or -1 when none of its goroutines ever parked.</summary>
    public int FindGroup(int startFunction, int creator, byte reason) => _groups.Find(startFunction, creator, reason);

    /// <summary>A goroutine parked with a blocking reason (not a repeat of a park it is still in).</summary>
    /// <param name="startFunction">Its start function's interned id (0: unknown).</param>
    /// <param name="creator">Its creator's interned id (0: unknown).</param>
    /// <param name="reason">The park reason code.</param>
    /// <param name="waitObject">The object it parked on (<c>obj=</c>), or 0.</param>
    /// <param name="now">The park's time.</param>
    /// <returns>Its group's index: keep it with the blocked goroutine for <see cref="OnRelease"/> and <see cref="Classify"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int OnPark(int startFunction, int creator, byte reason, ulong waitObject, long now)
    {
        Touch(now);
        int index = _groups.GetOrAdd(startFunction, creator, reason, now);
        ref VerdictGroup group = ref _groups[index];
        if (group.FirstPark == long.MinValue)
        {
            group.FirstPark = now;
            group.EpochStart = now;
        }

        group.Parks++;
        group.LastPark = now;
        if (++group.Blocked > group.PeakBlocked)
        {
            group.PeakBlocked = group.Blocked;
        }

        RollEpoch(ref group, now);
        if (waitObject != 0 && !ReasonKeys.IsSemaphoreBucket(reason))
        {
            _objects.OnPark(waitObject, now);
        }

        return index;
    }

    /// <summary>
    /// A blocked goroutine stopped being blocked: readied, parked again for another reason, destroyed, or replaced by
    /// a create of its g pointer. Any of these ends the park the verdict counted.
    /// </summary>
    /// <param name="group">The index <see cref="OnPark"/> returned for the park.</param>
    /// <param name="waitObject">The object it had parked on, or 0.</param>
    /// <param name="parkTime">The park's time.</param>
    /// <param name="now">The release's time.</param>
    /// <param name="olderRepeat">
    /// The park was a later one of a goroutine created before the trace (not the first blocking park the trace saw of
    /// it). Its release counts in the group's history but is no independent episode: a goroutine that outlives the
    /// trace is typically a loop (a dispatcher, a poller) that waits at more than one place under one reason, e.g. a
    /// timer's select for seconds and a send's select for milliseconds. A window that saw one burst of its short waits
    /// says nothing about its long ones. So each older goroutine supplies at most one episode, from its first park:
    /// a lone loop leaves its group's history censored, and a group of many older goroutines can still decide.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnRelease(int group, ulong waitObject, long parkTime, long now, bool olderRepeat = false)
    {
        Touch(now);
        _releases++;
        AnyRelease(now);
        ref VerdictGroup g = ref _groups[group];
        long waited = Math.Max(0, now - parkTime);
        bool independent = true;
        if (waitObject != 0 && !ReasonKeys.IsSemaphoreBucket(g.Reason))
        {
            long previous = _objects.OnRelease(waitObject, now);
            independent = previous == long.MinValue || now - previous >= waited / 2;
        }

        independent &= !olderRepeat;

        g.Releases++;
        g.Histogram.Add(waited);
        if (g.Adopted > 0 && waited > _longestOlderRelease)
        {
            _longestOlderRelease = waited;
        }

        if (waited > g.MaxRelease)
        {
            if (waited / 2 > g.MaxRelease)
            {
                // The longest release more than doubled: the episodes near the old longest no longer count.
                g.Episodes = 0;
            }

            g.MaxRelease = waited;
        }

        if (independent && waited >= g.MaxRelease / 8)
        {
            g.Episodes++;
        }

        if (g.FirstRelease == long.MinValue)
        {
            FirstRelease(ref g, now);
        }

        g.LastRelease = now;
        if (g.Blocked > 0)
        {
            g.Blocked--;
        }

        if (g.Blocked < g.Floor)
        {
            g.Floor = g.Blocked;
        }

        RollEpoch(ref g, now);
    }

    /// <summary>A goroutine the trace never saw park was readied (a trace attached mid-flight): the program runs; nothing more is known.</summary>
    /// <param name="now">The ready's time.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnUntrackedRelease(long now)
    {
        Touch(now);
        _untrackedReleases++;
        AnyRelease(now);
    }

    /// <summary>The goroutine whose park <see cref="OnPark"/> just counted was created before the trace (followed from its first park on).</summary>
    /// <param name="group">The index <see cref="OnPark"/> returned.</param>
    public void OnAdopted(int group)
    {
        _groups[group].Adopted++;
        _kinStampEvents = -1;
    }

    /// <summary>Any other goroutine event (a create, a park that does not block, a ready or destroy of a goroutine not blocked).</summary>
    /// <param name="now">The event's time.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnActivity(long now) => Touch(now);

    /// <summary>Moves the clock without a goroutine event (a tick, the end of the trace).</summary>
    /// <param name="now">The time.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(long now)
    {
        if (now > _now)
        {
            _now = now;
        }
    }

    /// <summary>
    /// How much of the trace's end (ns; the event clock ignores it) the silence rules (1 and 2) leave out: 0 once the
    /// program is known to have ended, else the reorder window. A tracer's per-CPU buffers reach its output late and,
    /// when it stops, some never do; and a loaded machine can hold a running program off the CPU while the tracer's
    /// ticks go on. Either way the last moments of a running program's trace can look silent when the program was
    /// not: an attach under load called a keep-alive session a leak because no release reached the trace in its last
    /// 92 ms. Silence in a running program counts only where the trace is settled. Rules that compare an age with
    /// the group's history are unaffected.
    /// </summary>
    public long UnsettledTail { get; set; }

    /// <summary>
    /// Whether the program ended by itself before the trace's end (it exited), or the trace does not say (the default):
    /// false when the tracer stopped while it ran (an attach, <c>--duration</c>, Ctrl-C) or a signal killed it. Its main
    /// goroutine may then be blocked by design (rule 1b in <see cref="Classify"/>).
    /// </summary>
    public bool ProgramEndedByItself { get; set; } = true;

    /// <summary>Judges a blocked goroutine at <see cref="Now"/>.</summary>
    /// <param name="group">The index <see cref="OnPark"/> returned for its park.</param>
    /// <param name="waitObject">The object it parked on, or 0.</param>
    /// <param name="parkTime">Its park's time.</param>
    /// <param name="foundBlocked">
    /// It was found blocked as the trace began (read from the process's memory), not seen to park: the silence rules
    /// (1 and 2) do not apply to it while the program runs.
    /// </param>
    /// <returns>The class, the rule and the numbers behind them.</returns>
    public VerdictEvidence Classify(int group, ulong waitObject, long parkTime, bool foundBlocked)
    {
        long now = _now;
        long age = Math.Max(0, now - parkTime);
        ref VerdictGroup g = ref _groups[group];
        bool events = Clock == VerdictClock.Events;
        long floor = events ? _options.FloorEvents : _options.FloorNs;
        long quietFor = _lastActivity == long.MinValue ? 0 : Math.Max(0, now - _lastActivity);

        // Where the silence rules stop looking: the settled part of the trace (see UnsettledTail).
        long settled = events ? now : now - UnsettledTail;
        long settledQuiet = _lastActivity == long.MinValue ? 0 : Math.Max(0, settled - _lastActivity);
        long objectReleases = -1, objectLastReleaseAgo = -1, objectParks = -1, objectLastRelease = long.MinValue;
        if (waitObject != 0 && !ReasonKeys.IsSemaphoreBucket(g.Reason) && _objects.TryGet(waitObject, out long parksSince, out long released, out objectLastRelease))
        {
            objectReleases = released;
            objectParks = parksSince;
            objectLastReleaseAgo = objectLastRelease == long.MinValue ? -1 : Math.Max(0, now - objectLastRelease);
        }

        var evidence = new VerdictEvidence
        {
            Clock = Clock,
            Age = age,
            GroupParks = g.Parks,
            GroupReleases = g.Releases,
            GroupEpisodes = g.Episodes,
            GroupMaxRelease = g.MaxRelease,
            GroupP99Release = P99Release(ref g),
            GroupBlocked = g.Blocked,
            GroupSteadyBlocked = g.SteadyBlocked,
            GroupSpan = g.FirstPark == long.MinValue ? 0 : Math.Max(0, now - g.FirstPark),
            GroupAdopted = g.Adopted,
            SlowestFirstRelease = EstablishedFirstRelease(),
            SlowestIsOutlier = _groupsReleased >= _options.OutlierGroups,
            LongestOlderRelease = _longestOlderRelease,
            ObjectReleases = objectReleases,
            ObjectLastReleaseAgo = objectLastReleaseAgo,
            ObjectParksSinceRelease = objectParks,
            QuietFor = quietFor,
            UntrackedReleases = _untrackedReleases,
        };

        // 1. Nothing runs any more: whatever is still blocked stays blocked (the quiesced end of a test or a program).
        //    Not for a goroutine found blocked as an attach began, while the program runs: it was not seen to park, and
        //    an idle program and a hung one are alike quiet (rule 2 says the same).
        bool seenToPark = !foundBlocked || ProgramEndedByItself;
        long quietThreshold = QuietThreshold(events);
        if (seenToPark && _lastActivity != long.MinValue && settledQuiet >= quietThreshold)
        {
            return evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.Quiesced, Threshold = quietThreshold };
        }

        // 1b. The program's main goroutine, while the program runs: a server's main blocks for its whole life (on a
        //     signal, a select{}, its servers' WaitGroup), and only the program's end releases it. Whatever it waits
        //     for, the goroutines that keep it waiting are judged on their own; a program that exits from another
        //     goroutine's os.Exit, or dies of a deadlock, has its main judged by the rules below.
        if (!ProgramEndedByItself && IsMainGoroutine(in g))
        {
            return evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.MainGoroutine };
        }

        // 2. Nothing was released anywhere since it parked, and that says something: the trace never released
        //    anything, or releases were due several times over, or it was the last thing to happen before a silence.
        //    Not for a goroutine found blocked as an attach began, while the program runs: an idle program and a hung
        //    one release nothing alike, and it was not seen to park; its group's history judges it below.
        if (seenToPark
            && _lastRelease <= parkTime
            && (_lastRelease == long.MinValue
                || settled - parkTime >= _options.NothingReleasedGaps * MeanReleaseGap()
                || (parkTime >= _lastActivity && settledQuiet >= (events ? _options.QuietEvents : _options.QuietNs))))
        {
            return evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.NothingReleasedSincePark };
        }

        // The group's normal wait: its longest release, and the leak limit, a multiple of it that grows when the group
        // saw only a few release episodes (a longest-of-few says less; a burst that wakes a whole pool is one episode).
        long longest = Math.Max(floor, g.MaxRelease);
        double multiple = _options.LeakMultiple * Math.Sqrt(Math.Max(1.0, (double)_options.MinReleases / Math.Max(1, g.Episodes)));
        long limit = (long)Math.Min(long.MaxValue / 2, Math.Max(floor, multiple * g.MaxRelease));

        // 3. It waits in a line that moves: its object released others after it parked, and recently.
        if (objectLastRelease > parkTime && now - objectLastRelease <= limit)
        {
            return evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.ObjectStillReleasing, Threshold = limit };
        }

        // 4. Its group has a history of releases: compare its age, and its object's silence, with the longest of them.
        //    A group holding goroutines created before the trace (an attach) has a censored history: their waits that
        //    began before the trace, or outlast it so far, are never seen to end, so a few short releases say little.
        //    Its history decides only once it holds MinReleases independent releases; until then, likely at most.
        if (g.Releases > 0)
        {
            bool censored = IsCensored(in g);
            if (age > limit)
            {
                return censored
                    ? evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.GroupPredatesTrace, Threshold = limit }
                    : evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.FarBeyondGroupReleases, Threshold = limit };
            }

            if (objectParks >= 2 && objectLastRelease != long.MinValue && objectLastRelease <= parkTime && now - objectLastRelease > limit)
            {
                return censored
                    ? evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.GroupPredatesTrace, Threshold = limit }
                    : evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.ObjectStalled, Threshold = limit };
            }

            // Little's law: a group whose waits end within its longest release holds about (park rate × longest
            // release) goroutines; holding many more means goroutines are piling up, and those older than any
            // release are the pile.
            double expected = (double)g.Parks / Math.Max(1, evidence.GroupSpan) * g.MaxRelease;
            if (!censored && age > longest && g.Blocked > (_options.AccumulationFactor * expected) + 2)
            {
                return evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.GroupAccumulating, Threshold = longest, GroupExpectedBlocked = expected };
            }

            return age <= longest
                ? evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.WithinGroupReleases, Threshold = longest }
                : evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.BeyondGroupReleases, Threshold = limit };
        }

        // 5. Its group never released anything in the trace. When it holds goroutines created before the trace that
        //    ran in it (an attach), the group's goroutines do get released, after waits the window is too short to
        //    see end: no evidence of a leak. Otherwise a leak once it has kept parking for longer than any group of
        //    the program took to see its first release, and, in a trace begun mid-flight, than the longest wait seen to
        //    end in a group of goroutines older than the trace: first releases in a window are biased short (a group
        //    whose goroutines wait longer than the window has none), and the older goroutines show how long this
        //    program's goroutines wait and still wake.
        if (g.Adopted > 0)
        {
            return age < floor
                ? evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.UnderFloor, Threshold = floor }
                : evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.GroupPredatesTrace };
        }

        //    A group's go statement may be new while its kind of goroutine is not: the same function, parked for the
        //    same reason, runs from other go statements (a pool started at boot and refilled later; sessions opened at
        //    startup and reopened as they expire). Their history is this group's too: while they hold goroutines
        //    older than the trace with too few releases to measure their waits, likely at most; and it is held to
        //    1.5 × their longest release as well. (On the busy server attached for 5 s, sessions opened in the window
        //    at the refill's go statement, none of whose 1-8 s tickers had fired, were called leaks while the
        //    sessions opened at startup, older than the trace, kept waking after waits of up to 4 s.) A queue
        //    restarted at a new go statement whose drain is never fed is still found: once it has parked for longer
        //    than that, next to healthy drains that keep being released.
        long kinLongest = -1;
        if (group != VerdictGroupTable.OverflowGroup && g.StartFunction > 0
            && Kin().TryGetValue(KinKeyOf(g.StartFunction, g.Reason), out KinHistory kin))
        {
            evidence = evidence with { KinReleases = kin.Releases, KinMaxRelease = kin.MaxRelease, KinAdopted = kin.Adopted };
            if (kin.Censored)
            {
                return age < floor
                    ? evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.UnderFloor, Threshold = floor }
                    : evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.SameFunctionElsewhere };
            }

            kinLongest = kin.Releases > 0 ? kin.MaxRelease : -1;
        }

        if (EstablishedFirstRelease() is var firstRelease && firstRelease >= 0)
        {
            long known = Math.Max(firstRelease, Math.Max(_longestOlderRelease, kinLongest));
            long established = (long)Math.Min(long.MaxValue / 2, Math.Max(floor, _options.NeverReleasedMultiple * known));
            if (evidence.GroupSpan > established)
            {
                return evidence with { Class = VerdictClass.Leak, Rule = VerdictRule.GroupNeverReleased, Threshold = established };
            }

            return age < floor
                ? evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.UnderFloor, Threshold = floor }
                : evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.GroupNeverReleasedYet, Threshold = established };
        }

        return age < floor
            ? evidence with { Class = VerdictClass.Waiting, Rule = VerdictRule.UnderFloor, Threshold = floor }
            : evidence with { Class = VerdictClass.Likely, Rule = VerdictRule.GroupNeverReleasedYet, Threshold = floor };
    }

    /// <summary>
    /// Whether a group's goroutines start at <c>runtime.main</c> (the program's main goroutine). Its name's id is looked
    /// for once in each group as the group is first classified (and again after the names change), not per goroutine.
    /// </summary>
    private bool IsMainGoroutine(in VerdictGroup g)
    {
        if (g.StartFunction <= 0 || _startFunctionName is null)
        {
            return false;
        }

        for (; _mainScannedGroups < _groups.Count && _mainFunction == 0; _mainScannedGroups++)
        {
            int startFunction = _groups[_mainScannedGroups].StartFunction;
            if (startFunction > 0 && _startFunctionName(startFunction) is "runtime.main")
            {
                _mainFunction = startFunction;
            }
        }

        return g.StartFunction == _mainFunction;
    }

    /// <summary>
    /// Whether a group's history is censored: it holds goroutines created before the trace (an attach) and fewer than
    /// <see cref="VerdictOptions.MinReleases"/> independent releases, so the waits the trace saw end say little.
    /// </summary>
    private bool IsCensored(in VerdictGroup g) => g.Adopted > 0 && g.Episodes < _options.MinReleases;

    private KinKey KinKeyOf(int startFunction, byte reason) =>
        _startFunctionName?.Invoke(startFunction) is { Length: > 0 } name ? new KinKey(name, 0, reason) : new KinKey(null, startFunction, reason);

    /// <summary>
    /// The history of every (function, reason) over the groups that have one (releases, or goroutines older than the
    /// trace): built when a classification needs it, kept until the next event (every park is one).
    /// </summary>
    private Dictionary<KinKey, KinHistory> Kin()
    {
        if (_kin is not null && _kinStampEvents == _activityEvents)
        {
            return _kin;
        }

        Dictionary<KinKey, KinHistory> kin = _kin ??= [];
        kin.Clear();
        for (int i = VerdictGroupTable.OverflowGroup + 1; i < _groups.Count; i++)
        {
            ref VerdictGroup g = ref _groups[i];
            if (g.StartFunction <= 0 || (g.Releases == 0 && g.Adopted == 0))
            {
                continue;
            }

            ref KinHistory h = ref CollectionsMarshal.GetValueRefOrAddDefault(kin, KinKeyOf(g.StartFunction, g.Reason), out _);
            h.Releases += g.Releases;
            h.Adopted += g.Adopted;
            h.MaxRelease = Math.Max(h.MaxRelease, g.MaxRelease);
            h.Censored |= IsCensored(in g);
        }

        _kinStampEvents = _activityEvents;
        return kin;
    }

    /// <summary>
    /// How long a group may go without its first release and still be healthy: the slowest first release of any group,
    /// or, once <see cref="VerdictOptions.OutlierGroups"/> groups have released, the second slowest, so one daemon with
    /// a long first wait (a scheduler sleeping until its next job) does not excuse every group that never releases.
    /// -1 before any group released.
    /// </summary>
    private long EstablishedFirstRelease() =>
        _groupsReleased >= _options.OutlierGroups ? _secondSlowestFirstRelease : _slowestFirstRelease;

    /// <summary>The mean time between releases anywhere (tracked or not), or the whole clock range when fewer than two.</summary>
    private double MeanReleaseGap() =>
        _anyReleases < 2 ? double.MaxValue : (double)(_lastRelease - _firstRelease) / (_anyReleases - 1);

    /// <summary>The 99th percentile of a group's releases: computed again only after a release (see <see cref="VerdictGroup.P99"/>).</summary>
    private static long P99Release(ref VerdictGroup g)
    {
        if (g.P99At != g.Releases)
        {
            g.P99 = g.Histogram.Quantile(0.99, g.Releases);
            g.P99At = g.Releases;
        }

        return g.P99;
    }

    /// <summary>
    /// How long a silence must last to count as quiesced: the floor, or a multiple of the trace's mean gap between
    /// goroutine events. Kept until the next event: a report asks once per blocked goroutine.
    /// </summary>
    private long QuietThreshold(bool events)
    {
        if (_quietStampEvents == _activityEvents && _quietStampClock == events)
        {
            return _quietThreshold;
        }

        long floor = events ? _options.QuietEvents : _options.QuietNs;
        long threshold = floor;
        if (_activityEvents >= 2)
        {
            double meanGap = (double)(_lastActivity - _firstActivity) / (_activityEvents - 1);
            threshold = (long)Math.Min(long.MaxValue / 2, Math.Max(floor, _options.QuietMultiple * meanGap));
        }

        _quietThreshold = threshold;
        _quietStampEvents = _activityEvents;
        _quietStampClock = events;
        return threshold;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(long now)
    {
        if (now > _now)
        {
            _now = now;
        }

        if (_firstActivity == long.MinValue)
        {
            _firstActivity = now;
        }

        if (now > _lastActivity)
        {
            _lastActivity = now;
        }

        _activityEvents++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AnyRelease(long now)
    {
        if (_firstRelease == long.MinValue)
        {
            _firstRelease = now;
        }

        _lastRelease = Math.Max(_lastRelease, now);
        _anyReleases++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FirstRelease(ref VerdictGroup group, long now)
    {
        group.FirstRelease = now;
        long latency = Math.Max(0, now - group.FirstPark);
        _groupsReleased++;
        if (latency > _slowestFirstRelease)
        {
            _secondSlowestFirstRelease = _slowestFirstRelease;
            _slowestFirstRelease = latency;
        }
        else if (latency > _secondSlowestFirstRelease)
        {
            _secondSlowestFirstRelease = latency;
        }
    }

    /// <summary>Epochs double: each lasts as long as the group had existed when it began, so two floors cover the last half or more of its life.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RollEpoch(ref VerdictGroup group, long now)
    {
        if (now - group.EpochStart >= Math.Max(1, group.EpochStart - group.FirstPark))
        {
            group.PreviousFloor = group.Floor;
            group.Floor = group.Blocked;
            group.EpochStart = now;
        }
    }

    /// <summary>A function and park reason: the key groups of one kind of goroutine share across go statements.</summary>
    private readonly record struct KinKey(string? Name, int Id, byte Reason);

    /// <summary>What the groups of one <see cref="KinKey"/> with a history know together.</summary>
    private struct KinHistory
    {
        public long Releases;
        public int Adopted;
        public long MaxRelease;
        public bool Censored;
    }
}
