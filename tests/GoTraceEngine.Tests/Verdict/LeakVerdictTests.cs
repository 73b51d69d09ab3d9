using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

public sealed class LeakVerdictTests
{
    private const long Ms = 1_000_000;
    private const long Sec = 1_000_000_000;
    private const ulong Obj = 0xc000100000;

    /// <summary>A reason whose <c>obj=</c> is the object itself (a channel used as a semaphore).</summary>
    private static readonly byte s_chanSend = ReasonKeys.Register("chan send");

    /// <summary>A reason whose <c>obj=</c> is a semaphore bucket shared by unrelated mutexes and WaitGroups.</summary>
    private static readonly byte s_sync = ReasonKeys.Register("sync");

    /// <summary>A busy background: goroutines of another group parked and released every 10 ms until <paramref name="until"/>.</summary>
    private static void Background(LeakVerdict verdict, long from, long until, int fn = 99)
    {
        for (long t = from; t < until; t += 10 * Ms)
        {
            int group = verdict.OnPark(fn, fn, 7, 0, t);
            verdict.OnRelease(group, 0, t, t + (5 * Ms));
        }
    }

    /// <summary>A verdict whose slowest group (fn 1) saw its first release 1 s after its first park: a group that never released is a leak after 1.5 s.</summary>
    private static LeakVerdict WithSlowestFirstReleaseAfterOneSecond()
    {
        var verdict = new LeakVerdict();
        int slow = verdict.OnPark(1, 2, 3, 0, 0);
        verdict.OnRelease(slow, 0, 0, 1 * Sec);
        return verdict;
    }

    /// <summary>A group (fn 1) whose goroutines each wait 100 ms, 40 times, one after another, on no object.</summary>
    private static int GroupWithShortWaits(LeakVerdict verdict)
    {
        int group = 0;
        for (int i = 0; i < 40; i++)
        {
            long t = i * 200 * Ms;
            group = verdict.OnPark(1, 2, 7, 0, t);
            verdict.OnRelease(group, 0, t, t + (100 * Ms));
        }

        return group;
    }

    [Fact]
    public void Classify_WithinItsGroupsReleases_IsWaiting_FarBeyondThem_IsALeak()
    {
        var verdict = new LeakVerdict();
        int group = GroupWithShortWaits(verdict);
        int young = verdict.OnPark(1, 2, 7, 0, 8 * Sec);
        int old = verdict.OnPark(1, 2, 7, 0, 1 * Sec);
        Assert.Equal(group, young);
        Assert.Equal(group, old);
        Background(verdict, 8 * Sec, 9 * Sec);

        VerdictEvidence waiting = verdict.Classify(group, 0, 9 * Sec - (80 * Ms), foundBlocked: false);
        Assert.Equal(VerdictClass.Waiting, waiting.Class);
        Assert.Equal(VerdictRule.WithinGroupReleases, waiting.Rule);

        VerdictEvidence leak = verdict.Classify(group, 0, 1 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, leak.Class);
        Assert.Equal(VerdictRule.FarBeyondGroupReleases, leak.Rule);
        Assert.Equal(100 * Ms, leak.GroupMaxRelease);
        Assert.Equal(40, leak.GroupReleases);
        Assert.Equal("blocked 8 s; its group's releases took at most 100 ms (40 releases over 42 parks)", VerdictText.Describe(leak));
    }

    [Fact]
    public void Classify_OnAnObjectThatKeepsReleasing_IsWaitingHoweverLong()
    {
        var verdict = new LeakVerdict();
        int group = 0;

        // A semaphore: 200 goroutines released from it, one every 50 ms, each after 100 ms.
        for (int i = 0; i < 200; i++)
        {
            long t = i * 50 * Ms;
            group = verdict.OnPark(1, 2, s_chanSend, Obj, t);
            verdict.OnRelease(group, Obj, t, t + (100 * Ms));
        }

        // Queued behind it since 1 s, far longer than any release took; others are still released after it parked.
        verdict.OnPark(1, 2, s_chanSend, Obj, 1 * Sec);
        int other = verdict.OnPark(1, 2, s_chanSend, Obj, 10 * Sec);
        verdict.OnRelease(other, Obj, 10 * Sec, 10 * Sec + Ms);
        VerdictEvidence evidence = verdict.Classify(group, Obj, 1 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Waiting, evidence.Class);
        Assert.Equal(VerdictRule.ObjectStillReleasing, evidence.Rule);

        // The same, on an object nothing was released from since: a leak.
        verdict.OnPark(1, 2, s_chanSend, Obj + 0x60, 1 * Sec);
        Assert.Equal(VerdictClass.Leak, verdict.Classify(group, Obj + 0x60, 1 * Sec, foundBlocked: false).Class);
    }

    [Fact]
    public void Classify_AfterTheProgramQuiesced_EveryBlockedGoroutineIsALeak()
    {
        var verdict = new LeakVerdict();
        int group = GroupWithShortWaits(verdict);
        long parked = (8 * Sec) - (90 * Ms);
        verdict.OnPark(1, 2, 7, 0, parked);
        Background(verdict, parked, 8 * Sec);
        Assert.Equal(VerdictClass.Waiting, verdict.Classify(group, 0, parked, foundBlocked: false).Class);

        // Nothing at all for 2 s (ticks only): blocked within its group's usual wait, but nothing runs to release it.
        verdict.Advance(10 * Sec);
        VerdictEvidence evidence = verdict.Classify(group, 0, parked, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, evidence.Class);
        Assert.Equal(VerdictRule.Quiesced, evidence.Rule);
    }

    [Fact]
    public void Classify_WithoutTimestamps_EventOrderIsTheClock()
    {
        // The seed's leaky output: three creates, three parks, END; lines are the clock.
        var verdict = new LeakVerdict(clock: VerdictClock.Events);
        verdict.OnActivity(2);
        verdict.OnActivity(3);
        verdict.OnActivity(4);
        int group = verdict.OnPark(0, 0, 6, 0, 5);
        verdict.OnPark(0, 0, 6, 0, 6);
        verdict.OnPark(0, 0, 6, 0, 7);
        verdict.Advance(8);
        VerdictEvidence evidence = verdict.Classify(group, 0, 5, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, evidence.Class);
        Assert.Equal(VerdictRule.NothingReleasedSincePark, evidence.Rule);
        Assert.Equal(3, evidence.Age);
        Assert.Equal("blocked 3 events; nothing was released anywhere since it parked", VerdictText.Describe(evidence));
    }

    [Fact]
    public void Classify_ReleasesOfGoroutinesNeverSeenParking_AreNoEvidenceOfALeak()
    {
        // Attached mid-flight: only goroutines older than the trace are released, and one tracked goroutine parks.
        var verdict = new LeakVerdict();
        int group = verdict.OnPark(1, 2, 7, 0, 100 * Ms);
        for (long t = 101 * Ms; t < 2 * Sec; t += Ms)
        {
            verdict.OnUntrackedRelease(t);
        }

        VerdictEvidence evidence = verdict.Classify(group, 0, 100 * Ms, foundBlocked: false);
        Assert.NotEqual(VerdictClass.Leak, evidence.Class);
        Assert.Equal(VerdictRule.GroupNeverReleasedYet, evidence.Rule);
        Assert.Equal(1899, evidence.UntrackedReleases);
    }

    [Fact]
    public void Classify_GroupThatNeverReleased_IsALeakOnceItOutlivesTheSlowestFirstRelease()
    {
        var verdict = new LeakVerdict();

        // The slowest group saw its first release 1 s after its first park.
        int slow = verdict.OnPark(1, 2, 3, 0, 0);
        verdict.OnRelease(slow, 0, 0, 1 * Sec);
        int stuck = verdict.OnPark(5, 6, 6, 0, 2 * Sec);
        Background(verdict, 2 * Sec, 3 * Sec);
        VerdictEvidence young = verdict.Classify(stuck, 0, 2 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Likely, young.Class);
        Assert.Equal(VerdictRule.GroupNeverReleasedYet, young.Rule);

        Background(verdict, 3 * Sec, 4 * Sec);
        VerdictEvidence old = verdict.Classify(stuck, 0, 2 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, old.Class);
        Assert.Equal(VerdictRule.GroupNeverReleased, old.Rule);
        Assert.Equal(1 * Sec, old.SlowestFirstRelease);
    }

    [Fact]
    public void Classify_NewGoStatementOfAFunctionWhoseOlderGoroutinesRunInTheTrace_IsLikelyAtMost()
    {
        // Attached mid-flight.
        LeakVerdict verdict = WithSlowestFirstReleaseAfterOneSecond();

        // Sessions opened before the trace (function 5, go statement 7) park in it and a few wake after 2 s.
        for (int i = 0; i < 4; i++)
        {
            int older = verdict.OnPark(5, 7, 6, 0, i * 100 * Ms);
            verdict.OnAdopted(older);
            if (i < 2)
            {
                verdict.OnRelease(older, 0, i * 100 * Ms, (i * 100 * Ms) + (2 * Sec));
            }
        }

        // Sessions reopened in the window at another go statement (8), and another function's goroutines (9) parked
        // as long, for the same reason: neither group has released anything after 4 s.
        int reopened = verdict.OnPark(5, 8, 6, 0, 1 * Sec);
        int other = verdict.OnPark(9, 8, 6, 0, 1 * Sec);
        Background(verdict, 1 * Sec, 5 * Sec);

        VerdictEvidence session = verdict.Classify(reopened, 0, 1 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Likely, session.Class);
        Assert.Equal(VerdictRule.SameFunctionElsewhere, session.Rule);
        Assert.Equal(4, session.KinAdopted);
        Assert.Equal(2, session.KinReleases);
        Assert.Equal(
            "blocked 4 s; its go statement released none yet; its function's goroutines from other go statements were released after at most 2 s (2 releases), but they include goroutines created before the trace (4 parks), whose longer waits the trace has not seen end: too little history to call it leaked",
            VerdictText.Describe(session));

        VerdictEvidence stranger = verdict.Classify(other, 0, 1 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, stranger.Class);
        Assert.Equal(VerdictRule.GroupNeverReleased, stranger.Rule);
    }

    [Fact]
    public void Classify_NewGoStatementOfAFunction_IsHeldToItsLongestReleaseAtItsOtherGoStatements()
    {
        // Function 5 started at go statement 7 (no goroutine older than the trace) was first released after 100 ms,
        // and later after waits of up to 3 s.
        LeakVerdict verdict = WithSlowestFirstReleaseAfterOneSecond();
        int first = verdict.OnPark(5, 7, 6, 0, 0);
        verdict.OnRelease(first, 0, 0, 100 * Ms);
        for (int i = 0; i < 20; i++)
        {
            int kin = verdict.OnPark(5, 7, 6, 0, i * 10 * Ms);
            verdict.OnRelease(kin, 0, i * 10 * Ms, (i * 10 * Ms) + (3 * Sec));
        }

        // A restarted queue's drain at go statement 8 is never fed.
        int restarted = verdict.OnPark(5, 8, 6, 0, 4 * Sec);
        Background(verdict, 4 * Sec, 7 * Sec);
        VerdictEvidence young = verdict.Classify(restarted, 0, 4 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Likely, young.Class);
        Assert.Equal(VerdictRule.GroupNeverReleasedYet, young.Rule);
        Assert.Equal(4_500 * Ms, young.Threshold);
        Assert.Equal(3 * Sec, young.KinMaxRelease);
        Assert.Equal(
            "blocked 3 s; its group parked 1 goroutines over 3 s and released none (its function's goroutines from other go statements were released after waits of up to 3 s)",
            VerdictText.Describe(young));

        Background(verdict, 7 * Sec, 9 * Sec);
        VerdictEvidence old = verdict.Classify(restarted, 0, 4 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, old.Class);
        Assert.Equal(VerdictRule.GroupNeverReleased, old.Rule);
    }

    [Fact]
    public void Classify_GoStatementsOfOneFunction_AreKinByTheNameReportsGiveIt()
    {
        // Two compiler wrappers (ids 5 and 6) call the same function: kin once the names are resolved, strangers before.
        LeakVerdict verdict = WithSlowestFirstReleaseAfterOneSecond();
        int older = verdict.OnPark(5, 7, 6, 0, 0);
        verdict.OnAdopted(older);
        int reopened = verdict.OnPark(6, 8, 6, 0, 1 * Sec);

        // Two functions the names do not know (ids 9 and 10) stay strangers.
        int unnamedOlder = verdict.OnPark(9, 7, 6, 0, 0);
        verdict.OnAdopted(unnamedOlder);
        int unnamed = verdict.OnPark(10, 8, 6, 0, 1 * Sec);
        Background(verdict, 1 * Sec, 5 * Sec);
        Assert.Equal(VerdictRule.GroupNeverReleased, verdict.Classify(reopened, 0, 1 * Sec, foundBlocked: false).Rule);

        verdict.StartFunctionName = id => id is 5 or 6 ? "main.(*server).session" : null;
        VerdictEvidence evidence = verdict.Classify(reopened, 0, 1 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Likely, evidence.Class);
        Assert.Equal(VerdictRule.SameFunctionElsewhere, evidence.Rule);
        Assert.StartsWith("blocked 4 s; its go statement released none yet, and its function's goroutines from other go statements released none in the trace, but those created before the trace ran in it (1 parks)", VerdictText.Describe(evidence), StringComparison.Ordinal);
        Assert.Equal(VerdictRule.GroupNeverReleased, verdict.Classify(unnamed, 0, 1 * Sec, foundBlocked: false).Rule);
    }

    [Fact]
    public void Classify_GroupPilingUpBehindAStuckLock_IsALeakPastItsLongestRelease()
    {
        var verdict = new LeakVerdict();

        // Three short contended waits on a mutex, then it is never unlocked: a park every second piles up.
        int group = 0;
        for (int i = 0; i < 3; i++)
        {
            long t = i * Sec;
            group = verdict.OnPark(3, 4, s_chanSend, Obj, t);
            verdict.OnRelease(group, Obj, t, t + (300 * Ms));
        }

        for (int i = 3; i < 20; i++)
        {
            verdict.OnPark(3, 4, s_chanSend, Obj, i * Sec);
            Background(verdict, i * Sec, (i + 1) * Sec);
        }

        VerdictEvidence evidence = verdict.Classify(group, Obj, 18 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, evidence.Class);
        Assert.Equal(17, evidence.GroupBlocked);
        Assert.True(evidence.Rule is VerdictRule.GroupAccumulating or VerdictRule.ObjectStalled, evidence.Rule.ToString());

        // The youngest on that lock too: the lock has released nothing for 17 s while goroutines piled onto it.
        VerdictEvidence youngest = verdict.Classify(group, Obj, 19 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, youngest.Class);
        Assert.Equal(VerdictRule.ObjectStalled, youngest.Rule);

        // Younger than the group's longest release, on another object: waiting.
        verdict.OnPark(3, 4, s_chanSend, Obj + 0x60, 19_900 * Ms);
        Assert.Equal(VerdictClass.Waiting, verdict.Classify(group, Obj + 0x60, 19_900 * Ms, foundBlocked: false).Class);
    }

    [Fact]
    public void Classify_SyncParks_IgnoreTheSharedSemaphoreBucket()
    {
        var verdict = new LeakVerdict();

        // Mutex waits (reason sync) whose obj= is the runtime's semaRoot bucket: 40 short contended waits, then a
        // shard that is never unlocked again collects waiters.
        int group = 0;
        for (int i = 0; i < 40; i++)
        {
            long t = i * 100 * Ms;
            group = verdict.OnPark(3, 4, s_sync, Obj, t);
            verdict.OnRelease(group, Obj, t, t + (20 * Ms));
        }

        verdict.OnPark(3, 4, s_sync, Obj, 5 * Sec);

        // A WaitGroup waiter of another group hashes to the same bucket and is released: that says nothing about the
        // stuck mutex, which stays a leak far beyond its group's releases.
        int other = verdict.OnPark(5, 6, s_sync, Obj, 8_800 * Ms);
        verdict.OnRelease(other, Obj, 8_800 * Ms, 8_900 * Ms);
        Background(verdict, 8 * Sec, 9 * Sec);
        VerdictEvidence stuck = verdict.Classify(group, Obj, 5 * Sec, foundBlocked: false);
        Assert.Equal(VerdictClass.Leak, stuck.Class);
        Assert.Equal(VerdictRule.FarBeyondGroupReleases, stuck.Rule);
        Assert.Equal(-1, stuck.ObjectReleases);

        // The same story on a channel (chan send: obj= is the channel itself): the other release is the object's own, a line that moves.
        var channel = new LeakVerdict();
        for (int i = 0; i < 40; i++)
        {
            long t = i * 100 * Ms;
            group = channel.OnPark(3, 4, s_chanSend, Obj, t);
            channel.OnRelease(group, Obj, t, t + (20 * Ms));
        }

        channel.OnPark(3, 4, s_chanSend, Obj, 5 * Sec);
        other = channel.OnPark(5, 6, s_chanSend, Obj, 8_800 * Ms);
        channel.OnRelease(other, Obj, 8_800 * Ms, 8_900 * Ms);
        Background(channel, 8 * Sec, 9 * Sec);
        Assert.Equal(VerdictRule.ObjectStillReleasing, channel.Classify(group, Obj, 5 * Sec, foundBlocked: false).Rule);
    }

    [Theory]
    [InlineData(7, true)]
    [InlineData(6, false)]
    public void Classify_NeverReleasedGroup_OneSlowDaemonDoesNotExcuseIt(int groups, bool leak)
    {
        VerdictClass expected = leak ? VerdictClass.Leak : VerdictClass.Likely;
        var verdict = new LeakVerdict();

        // A daemon (fn 50) whose only goroutine first wakes after 20 s, and groups - 1 others that release within 1-2 s.
        int daemon = verdict.OnPark(50, 50, s_chanSend, 0, 0);
        for (int fn = 1; fn < groups; fn++)
        {
            int g = verdict.OnPark(fn, fn, s_chanSend, 0, fn * 10 * Ms);
            verdict.OnRelease(g, 0, fn * 10 * Ms, (fn * 10 * Ms) + Sec + (fn * 100 * Ms));
        }

        verdict.OnRelease(daemon, 0, 0, 20 * Sec);

        // A group that never releases, parked for 10 s while everything else keeps running.
        int stuck = verdict.OnPark(60, 60, s_chanSend, 0, 21 * Sec);
        Background(verdict, 21 * Sec, 31 * Sec);
        VerdictEvidence evidence = verdict.Classify(stuck, 0, 21 * Sec, foundBlocked: false);

        // With the background's group, 8 groups have released: the daemon is the outlier and the second slowest (1.6 s)
        // sets the bar; with 7, its 20 s does.
        Assert.Equal(expected, evidence.Class);
        Assert.Equal(leak ? 1_600 * Ms : 20 * Sec, evidence.SlowestFirstRelease);
    }

    [Fact]
    public void GroupTable_PastItsCap_FoldsNewKeysIntoTheOverflowGroup()
    {
        var verdict = new LeakVerdict(new VerdictOptions { MaxGroups = 4, InitialGroups = 2 });
        var groups = new HashSet<int>();
        for (int fn = 1; fn <= 10; fn++)
        {
            groups.Add(verdict.OnPark(fn, 0, 7, 0, fn));
        }

        Assert.Equal(4, verdict.Groups.Count);
        Assert.True(verdict.Groups.Overflowed);
        Assert.Contains(VerdictGroupTable.OverflowGroup, groups);
        Assert.Equal(4, groups.Count);
        Assert.Equal(7, verdict.Groups[VerdictGroupTable.OverflowGroup].Parks);
        Assert.Equal(2, verdict.FindGroup(2, 0, 7));
        Assert.Equal(-1, verdict.FindGroup(9, 0, 7));
    }

    [Fact]
    public void WaitObjectSketch_ForgetsTheLeastRecentlyTouchedObjectOfAFullSet()
    {
        var sketch = new WaitObjectSketch(4);
        Assert.Equal(4, sketch.Capacity);
        for (ulong i = 1; i <= 4; i++)
        {
            sketch.OnPark(i * 0x60, (long)i);
        }

        sketch.OnRelease(0x60, 10);
        sketch.OnPark(5 * 0x60, 11);
        Assert.Equal(1, sketch.Evictions);
        Assert.False(sketch.TryGet(2 * 0x60, out _, out _, out _));
        Assert.True(sketch.TryGet(0x60, out long parksSince, out long releases, out long lastRelease));
        Assert.Equal((0, 1, 10), (parksSince, releases, lastRelease));
    }

    [Fact]
    public void ReleaseHistogram_QuantilesAreBucketBoundsWithinTwice()
    {
        var histogram = default(ReleaseHistogram);
        for (int i = 1; i <= 100; i++)
        {
            histogram.Add(i * Ms);
        }

        long p50 = histogram.Quantile(0.5, 100);
        long p99 = histogram.Quantile(0.99, 100);
        Assert.InRange(p50, 50 * Ms, 100 * Ms);
        Assert.InRange(p99, 99 * Ms, 198 * Ms);
        Assert.Equal(0, histogram.Quantile(0.5, 0));
        Assert.Equal(0, ReleaseHistogram.BucketOf(0));
        Assert.Equal(63, ReleaseHistogram.BucketOf(long.MaxValue));
    }

    [Theory]
    [InlineData(41_000_000_000L, "41 s")]
    [InlineData(4_100_000_000L, "4.1 s")]
    [InlineData(180_000_000L, "180 ms")]
    [InlineData(1_500_000L, "1.5 ms")]
    [InlineData(12_000L, "12 µs")]
    [InlineData(90_000_000_000L, "1.5 min")]
    public void Duration_IsWordedForPeople(long ns, string expected) =>
        Assert.Equal(expected, VerdictText.Duration(ns, VerdictClock.Nanoseconds));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Classify_AskedAfterEveryEvent_JudgesAsAVerdictAskedOnlyNow(bool eventClock)
    {
        VerdictClock clock = eventClock ? VerdictClock.Events : VerdictClock.Nanoseconds;
        // The verdict keeps a group's release percentile and the quiet threshold between questions (a report asks once
        // per blocked goroutine); whatever it kept must not outlive the next release or activity. One verdict is asked
        // about every group after every event, its twin, fed the same, only at the checkpoints: they must agree there.
        var asked = new LeakVerdict(clock: clock);
        var twin = new LeakVerdict(clock: clock);
        var random = new Random(7);
        long now = 0;
        var parks = new List<(int Group, ulong Obj, long At)>();
        for (int step = 1; step <= 3000; step++)
        {
            now += random.Next(1, 50) * (clock == VerdictClock.Events ? 1 : Ms);
            int action = random.Next(4);
            if (action < 2 || parks.Count == 0)
            {
                int fn = random.Next(1, 4);
                ulong obj = random.Next(2) == 0 ? 0 : Obj + ((ulong)fn << 6);
                int group = asked.OnPark(fn, fn + 10, s_chanSend, obj, now);
                Assert.Equal(group, twin.OnPark(fn, fn + 10, s_chanSend, obj, now));
                parks.Add((group, obj, now));
            }
            else if (action == 2)
            {
                int index = random.Next(parks.Count);
                (int group, ulong obj, long at) = parks[index];
                parks.RemoveAt(index);
                asked.OnRelease(group, obj, at, now);
                twin.OnRelease(group, obj, at, now);
            }
            else
            {
                asked.OnActivity(now);
                twin.OnActivity(now);
            }

            foreach ((int group, ulong obj, long at) in parks)
            {
                VerdictEvidence early = asked.Classify(group, obj, at, foundBlocked: false);
                if (step % 100 == 0)
                {
                    Assert.Equal(twin.Classify(group, obj, at, foundBlocked: false), early);
                }
            }
        }

        // A tick that only moves the clock, and a question long after: the kept answers still hold.
        asked.Advance(now + (60 * Sec));
        twin.Advance(now + (60 * Sec));
        foreach ((int group, ulong obj, long at) in parks)
        {
            Assert.Equal(twin.Classify(group, obj, at, foundBlocked: false), asked.Classify(group, obj, at, foundBlocked: false));
        }
    }
}
