using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// The verdict on real traces: fixtures/go/busy-server recorded under <c>gotrace trace --save</c> with Go 1.22 and 1.27
/// (fixtures/real), cut at many points while the program was busy. Each cut is a prefix of the trace's lines fed to a
/// fresh engine and completed (the reorder window's events applied, as at a real end of input); the report's leaks
/// (<see cref="TraceSummary.Leaks"/>, what <c>gotrace replay</c> prints) are scored against the program's own truth.
/// A goroutine is leaked at a cut when the program had leaked it by the cut's time and the park it never leaves is
/// inside the cut; the rest of the trace confirms that it never leaves (<see cref="Recording_TheTruthIsWhatTheTraceShows"/>).
/// </summary>
public sealed class RecordedTraceVerdictTests
{
    /// <summary>Cuts start this long after the program started: groups whose normal wait is longer than the trace so far cannot be judged (see the verdict's README).</summary>
    private const long FirstCutAfterNs = 20_000_000_000;

    private const int Cuts = 12;

    public static TheoryData<string> Recordings => RecordedTrace.Names();

    public static TheoryData<string> GoReleases => ["go1.22", "go1.27"];

    [Fact]
    public void Recordings_CoverGo122And127()
    {
        string[] names = [.. Recordings.Select(r => (string)r.Data)];
        Assert.Contains(names, n => n.EndsWith("-go1.22", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("-go1.27", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Recording_TheTruthIsWhatTheTraceShows(string name)
    {
        RecordedTrace trace = RecordedTrace.Load(name);
        var engine = new TraceEngine();
        engine.Feed(trace.Data);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();

        // A complete recording: nothing lost, nothing contradicting the tables, the program exited normally.
        Assert.Empty(summary.Warnings);
        Assert.Equal(0, summary.Anomalies.Total);
        Assert.Equal(0, summary.ProgramExit?.Code);
        Assert.True(trace.Leaks.Count >= 5, $"{name}: only {trace.Leaks.Count} leaks");

        // Every leak was created in the trace and never left its last park (no ready, no destroy after it); the
        // program registered it before that park (mutex and batch leaks are dated by the bug, which may come later).
        foreach (TruthLeak leak in trace.Leaks.Values)
        {
            Assert.True(leak.Created, $"{name}: goroutine {leak.GoId} ({leak.Kind}) has no create line");
            Assert.True(leak.LastParkLine > 0, $"{name}: goroutine {leak.GoId} ({leak.Kind}) left its last park (destroyed: {leak.Destroyed})");
            if (leak.Kind is not ("mutex-lock" or "batch-range"))
            {
                Assert.InRange(leak.LastParkTimestamp - leak.From, 0, 1_000_000_000);
            }
        }

        // The program quiesced before it exited: the goroutines blocked at the end are exactly its leaks, and the
        // verdict calls every one a leak (the quiesced design rule).
        Assert.Equal(trace.Leaks.Keys.Order(), BlockedGoIds(engine).Order());
        Assert.Equal(trace.Leaks.Keys.Order(), summary.Leaks.Select(l => l.GoId!.Value).Order());
    }

    // Measured on the committed recordings (TP/FP/FN summed over 12 cuts):
    //   steady-go1.22    TP 283 FP 0 FN 9    precision 1.000 recall 0.969
    //   overload-go1.22  TP 149 FP 1 FN 6    precision 0.993 recall 0.961
    //   rare-go1.22      TP 33  FP 0 FN 7    precision 1.000 recall 0.825
    //   steady-go1.27    TP 197 FP 0 FN 3    precision 1.000 recall 0.985
    //   overload-go1.27  TP 146 FP 1 FN 2    precision 0.993 recall 0.986
    //   rare-go1.27      TP 39  FP 1 FN 3    precision 0.975 recall 0.929
    // Every recording is held to precision 0.9. Recall is held to 0.9 over each Go release's cuts (the next test) and
    // for every recording with at least 100 leaked goroutines over its cuts; a rare recording (6 leaks, 40 leaked
    // goroutines over its cuts, each 2.5 % of its recall) is held to 0.8: its misses are leaks younger than anything
    // the trace could yet tell from a wait (blocked 0.1-2 s at the cut, under the floor, within their group's releases
    // or before their group outlived the program's first releases). The failure message lists every misjudged case
    // with its evidence; fixtures/README.md groups them by cause.
    private const int RecallSampleForFullBar = 100;

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Recording_CutWhileBusy_LeakClassHasPrecisionOfAtLeast90PercentAndRecallByItsSample(string name)
    {
        RecordedTrace trace = RecordedTrace.Load(name);
        Score score = Evaluate(trace);
        TestContext.Current.TestOutputHelper?.WriteLine(score.Describe());

        Assert.True(score.Leaked >= 20, $"too few leaked goroutines at the cuts to measure: {score.Leaked}");
        Assert.True(score.Blocked >= 5 * score.Leaked, $"the program must be busy at the cuts: {score.Blocked} blocked for {score.Leaked} leaked");
        Assert.Equal(0, score.Missing);
        Assert.True(score.Precision >= 0.9, $"precision {score.Precision:0.000}: {score.Describe()}");
        double recallBar = score.Leaked >= RecallSampleForFullBar ? 0.9 : 0.8;
        Assert.True(score.Recall >= recallBar, $"recall {score.Recall:0.000} (bar {recallBar}): {score.Describe()}");
    }

    [Theory]
    [MemberData(nameof(GoReleases))]
    public void Recordings_OfOneGoRelease_CutWhileBusy_LeakClassHasPrecisionAndRecallOfAtLeast90Percent(string release)
    {
        var total = new Score(release);
        foreach (string name in Recordings.Select(r => (string)r.Data).Where(n => n.EndsWith("-" + release, StringComparison.Ordinal)))
        {
            Score score = Evaluate(RecordedTrace.Load(name));
            TestContext.Current.TestOutputHelper?.WriteLine(score.Describe().Split('\n')[0]);
            total.Add(score);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(total.Describe());
        Assert.True(total.Cuts >= 3 * Cuts, $"{release}: {total.Cuts / Cuts} recordings");
        Assert.True(total.Precision >= 0.9, $"precision {total.Precision:0.000}: {total.Describe()}");
        Assert.True(total.Recall >= 0.9, $"recall {total.Recall:0.000}: {total.Describe()}");
    }

    internal static Score Evaluate(RecordedTrace trace)
    {
        var score = new Score(trace.Name);
        long first = trace.Start + FirstCutAfterNs;
        for (int i = 0; i < Cuts; i++)
        {
            long at = first + ((trace.BusyUntil - first) * i / (Cuts - 1));
            Cut(trace, trace.LinesBefore(at), score);
        }

        return score;
    }

    private static void Cut(RecordedTrace trace, int lines, Score score)
    {
        var engine = new TraceEngine();
        engine.Feed(trace.Prefix(lines));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        long now = engine.LatestTimestamp;

        HashSet<long> blocked = [.. BlockedGoIds(engine)];
        HashSet<long> leaked = [.. trace.LeakedAt(lines, now).Select(l => l.GoId)];
        HashSet<long> reported = [.. summary.Leaks.Select(l => l.GoId ?? throw new InvalidDataException("a leak without goid="))];
        long fp = 0, fn = 0;
        foreach (LeakSuspect leak in summary.Leaks)
        {
            if (!leaked.Contains(leak.GoId!.Value))
            {
                fp++;
                score.Misjudged.Add($"FP at {Seconds(trace, now)}: goroutine {leak.GoId} {leak.StartFunction} / {leak.Creator} {leak.Reason}, {leak.Rule}: {leak.Evidence}");
            }
        }

        foreach (long goid in leaked)
        {
            if (reported.Contains(goid))
            {
                continue;
            }

            fn++;
            TruthLeak truth = trace.Leaks[goid];
            string age = $"leaked {(now - Math.Max(truth.From, truth.LastParkTimestamp)) / 1e9:0.00}s before the cut";
            score.Misjudged.Add(summary.Likely.FirstOrDefault(l => l.GoId == goid) is { } likely
                ? $"FN at {Seconds(trace, now)}: goroutine {goid} {truth.Kind} ({age}) likely, {likely.Rule}: {likely.Evidence}"
                : $"FN at {Seconds(trace, now)}: goroutine {goid} {truth.Kind} ({age}) {Judge(engine, goid)}");
        }

        score.Cuts++;
        score.Blocked += blocked.Count;
        score.Leaked += leaked.Count;
        score.Missing += leaked.Count(g => !blocked.Contains(g));
        score.TruePositives += reported.Count(leaked.Contains);
        score.FalsePositives += fp;
        score.FalseNegatives += fn;
        score.Likely += summary.Likely.Count;
        score.LikelyLeaked += summary.Likely.Count(l => leaked.Contains(l.GoId!.Value));
        score.PerCut.Add($"cut at {Seconds(trace, now)} (line {lines}): blocked {blocked.Count}, leaked {leaked.Count}, reported {reported.Count}, FP {fp}, FN {fn}, likely {summary.Likely.Count}");
    }

    /// <summary>The goids of the goroutines the engine holds blocked.</summary>
    private static List<long> BlockedGoIds(TraceEngine engine)
    {
        var goids = new List<long>();
        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            Assert.True(engine.Live.TryGet(blocked.GPointer, out GoroutineRecord record));
            goids.Add(record.GoId);
        }

        return goids;
    }

    /// <summary>What the verdict says of a blocked goroutine the report only counts (waiting), in the report's words.</summary>
    private static string Judge(TraceEngine engine, long goid)
    {
        GoroutineState state = engine.State;
        for (int i = 0; i < state.Blocked.Capacity; i++)
        {
            ref readonly OpenTable<BlockedValue>.Entry entry = ref state.Blocked.DangerousGetEntry(i);
            if (entry.Key == 0)
            {
                continue;
            }

            ref LiveValue live = ref state.Live.GetValueRefOrNullRef(entry.Key);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref live) || live.GoId != goid)
            {
                continue;
            }

            VerdictEvidence evidence = state.Classify(entry.Value);
            return $"{engine.GetFunctionName(live.StartFunction)} / {engine.GetFunctionName(live.Creator)} {ReasonKeys.Name(entry.Value.Key)}, {VerdictText.Name(evidence.Class)} {evidence.Rule}: {VerdictText.Describe(evidence)}";
        }

        return "not blocked in the engine";
    }

    private static string Seconds(RecordedTrace trace, long ts) => string.Create(CultureInfo.InvariantCulture, $"{(ts - trace.Start) / 1e9:0.0}s");

    /// <summary>Counts over all cuts of one recording: the report's leaks against the truth.</summary>
    internal sealed class Score(string name)
    {
        public string Name { get; } = name;

        public long Cuts { get; set; }

        public long Blocked { get; set; }

        public long Leaked { get; set; }

        public long Missing { get; set; }

        public long TruePositives { get; set; }

        public long FalsePositives { get; set; }

        public long FalseNegatives { get; set; }

        public long Likely { get; set; }

        public long LikelyLeaked { get; set; }

        public List<string> PerCut { get; } = [];

        public List<string> Misjudged { get; } = [];

        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

        public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

        public void Add(Score other)
        {
            Cuts += other.Cuts;
            Blocked += other.Blocked;
            Leaked += other.Leaked;
            Missing += other.Missing;
            TruePositives += other.TruePositives;
            FalsePositives += other.FalsePositives;
            FalseNegatives += other.FalseNegatives;
            Likely += other.Likely;
            LikelyLeaked += other.LikelyLeaked;
        }

        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"{Name}: cuts {Cuts}, blocked {Blocked}, leaked {Leaked} (missing {Missing}), TP {TruePositives} FP {FalsePositives} FN {FalseNegatives}: precision {Precision:0.000} recall {Recall:0.000}; likely {Likely} ({LikelyLeaked} leaked); blocked-at-the-end precision {(Blocked == 0 ? 1 : (double)Leaked / Blocked):0.000}");
            foreach (string cut in PerCut)
            {
                text.Append("\n  ").Append(cut);
            }

            foreach (string misjudged in Misjudged.Take(60))
            {
                text.Append("\n  ").Append(misjudged);
            }

            return text.ToString();
        }
    }
}
