using System.Globalization;
using System.Text;
using GoTraceEngine.Generation;
using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// Scores the verdict against a generated trace's truth: the trace is cut at many lines (each cut fed to a fresh engine,
/// which is then completed, so the events still inside the reorder window are applied as at a real end of input), and
/// every goroutine the engine holds blocked at the cut is classified and compared with the generator's truth.
/// </summary>
internal static class VerdictEvaluation
{
    public static (byte[] Data, BusyTraceTruth Truth) Generate(BusyTraceOptions options)
    {
        using var stream = new MemoryStream();
        BusyTraceTruth truth = new BusyTraceGenerator(options).Write(stream);
        return (stream.ToArray(), truth);
    }

    /// <summary>
    /// Cuts at <paramref name="cuts"/> lines spread evenly from <paramref name="from"/> of the trace, and at least
    /// <paramref name="minSeconds"/> after the attach, to its end (the last cut is the whole trace).
    /// </summary>
    public static Score Evaluate(byte[] data, BusyTraceTruth truth, int cuts, double from = 0.15, double minSeconds = 20, VerdictOptions options = default)
    {
        from = Math.Max(from, minSeconds * 1e9 / Math.Max(1, truth.EndTimestamp - truth.AttachTimestamp));
        var lines = new long[cuts];
        for (int i = 0; i < cuts; i++)
        {
            double fraction = cuts == 1 ? 1 : from + ((1 - from) * i / (cuts - 1));
            lines[i] = Math.Max(1, (long)(truth.Lines * fraction));
        }

        long[] offsets = OffsetsAfter(data, lines);
        var score = new Score();
        for (int i = 0; i < cuts; i++)
        {
            Cut(data.AsSpan(0, (int)offsets[i]), lines[i], truth, score, options);
        }

        return score;
    }

    /// <summary>
    /// Feeds the prefix to the engine as a user would (default options but the verdict's), completes it, and scores the
    /// report: a goroutine is called leaked when it is in <c>TraceSummary.Leaks</c>.
    /// </summary>
    public static void Cut(ReadOnlySpan<byte> prefix, long cutLine, BusyTraceTruth truth, Score score, VerdictOptions options = default)
    {
        var engine = new TraceEngine(new TraceEngineOptions { Verdict = options });
        engine.Feed(prefix);
        engine.Complete();
        GoTraceEngine.Reporting.TraceSummary summary = engine.GetSummary();
        var leaks = summary.Leaks.Select(l => l.G).ToHashSet();
        var likely = summary.Likely.Select(l => l.G).ToHashSet();
        GoroutineState state = engine.State;
        score.Cuts++;
        int truthBlocked = 0;
        long fp = score.FalsePositives, fn = score.FalseNegatives;
        for (int i = 0; i < state.Blocked.Capacity; i++)
        {
            ref readonly OpenTable<BlockedValue>.Entry entry = ref state.Blocked.DangerousGetEntry(i);
            if (entry.Key == 0)
            {
                continue;
            }

            engine.Live.TryGet(entry.Key, out GoroutineRecord record);
            bool leaked = truth.IsLeakedAt(record.GoId, cutLine);
            VerdictClass reported = leaks.Contains(entry.Key) ? VerdictClass.Leak : likely.Contains(entry.Key) ? VerdictClass.Likely : VerdictClass.Waiting;
            VerdictEvidence evidence = state.Classify(entry.Value) with { Class = reported };
            score.Blocked++;
            truthBlocked += leaked ? 1 : 0;
            score.Add(leaked, evidence, engine.GetFunctionName(record.StartFunction) + " / " + engine.GetFunctionName(record.Creator));
        }

        // Leaks the truth says are blocked by this line but the engine does not hold blocked (a cut between lines of
        // one goroutine printed out of order): they cannot be classified, so they count against recall.
        int missing = truth.LeakedAt(cutLine) - truthBlocked;
        score.Missing += missing;
        score.FalseNegatives += missing;
        score.FalseNegativesWithLikely += missing;
        score.PerCut.Add($"cut at {(engine.LatestTimestamp - truth.AttachTimestamp) / 1e9:0.0}s: blocked {engine.Blocked.Count}, leaked {truthBlocked}, FP {score.FalsePositives - fp}, FN {score.FalseNegatives - fn}");
    }

    private static long[] OffsetsAfter(byte[] data, long[] lines)
    {
        var offsets = new long[lines.Length];
        long line = 0;
        int next = 0;
        for (int i = 0; i < data.Length && next < lines.Length; i++)
        {
            if (data[i] == (byte)'\n' && ++line == lines[next])
            {
                offsets[next++] = i + 1;
                while (next < lines.Length && lines[next] == line)
                {
                    offsets[next++] = i + 1;
                }
            }
        }

        for (; next < lines.Length; next++)
        {
            offsets[next] = data.Length;
        }

        return offsets;
    }

    /// <summary>Counts over all cuts: the "leak" class alone, and "leak" or "likely" together.</summary>
    internal sealed class Score
    {
        private readonly Dictionary<string, long> _falsePositives = [];
        private readonly Dictionary<string, long> _falseNegatives = [];

        public long Cuts { get; set; }

        public List<string> PerCut { get; } = [];

        public List<string> Examples { get; } = [];

        public long Blocked { get; set; }

        public long Leaked { get; set; }

        public long TruePositives { get; set; }

        public long FalsePositives { get; set; }

        public long FalseNegatives { get; set; }

        public long TruePositivesWithLikely { get; set; }

        public long FalsePositivesWithLikely { get; set; }

        public long FalseNegativesWithLikely { get; set; }

        public long Likely { get; set; }

        public long Missing { get; set; }

        public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

        public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

        public double PrecisionWithLikely => Ratio(TruePositivesWithLikely, TruePositivesWithLikely + FalsePositivesWithLikely);

        public double RecallWithLikely => Ratio(TruePositivesWithLikely, TruePositivesWithLikely + FalseNegativesWithLikely);

        /// <summary>What "blocked at the end" alone scores: every blocked goroutine called a leak.</summary>
        public double BaselinePrecision => Ratio(Leaked, Blocked);

        public void Add(bool leaked, in VerdictEvidence evidence, string group)
        {
            Leaked += leaked ? 1 : 0;
            bool leak = evidence.Class == VerdictClass.Leak;
            bool leakOrLikely = evidence.Class != VerdictClass.Waiting;
            Likely += evidence.Class == VerdictClass.Likely ? 1 : 0;
            TruePositives += leaked && leak ? 1 : 0;
            FalsePositives += !leaked && leak ? 1 : 0;
            FalseNegatives += leaked && !leak ? 1 : 0;
            TruePositivesWithLikely += leaked && leakOrLikely ? 1 : 0;
            FalsePositivesWithLikely += !leaked && leakOrLikely ? 1 : 0;
            FalseNegativesWithLikely += leaked && !leakOrLikely ? 1 : 0;
            if (!leaked && leak)
            {
                Bump(_falsePositives, $"{evidence.Rule} {group}");
                if (Examples.Count < 40)
                {
                    Examples.Add($"FP {group}: {VerdictText.Describe(evidence)} [episodes {evidence.GroupEpisodes}, threshold {evidence.Threshold / 1e6:0}ms]");
                }
            }
            else if (leaked && !leak)
            {
                Bump(_falseNegatives, $"{evidence.Rule} {group}");
                if (Examples.Count < 60)
                {
                    Examples.Add($"FN {group}: {VerdictText.Describe(evidence)} [episodes {evidence.GroupEpisodes}, threshold {evidence.Threshold / 1e6:0}ms]");
                }

            }
        }

        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"cuts {Cuts}, blocked {Blocked}, leaked {Leaked}, missing {Missing}: precision {Precision:0.000} recall {Recall:0.000}; with likely {PrecisionWithLikely:0.000} / {RecallWithLikely:0.000} ({Likely} likely); blocked-at-the-end precision {BaselinePrecision:0.000}");
            foreach (string example in Examples)
            {
                text.Append("\n  ").Append(example);
            }

            foreach (string cut in PerCut)
            {
                text.Append("\n  ").Append(cut);
            }

            foreach ((string key, long count) in _falsePositives.OrderByDescending(p => p.Value).Take(8))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  FP {count,6}  {key}");
            }

            foreach ((string key, long count) in _falseNegatives.OrderByDescending(p => p.Value).Take(8))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  FN {count,6}  {key}");
            }

            return text.ToString();
        }

        private static void Bump(Dictionary<string, long> counts, string key) =>
            counts[key] = counts.GetValueOrDefault(key) + 1;

        private static double Ratio(long a, long b) => b == 0 ? 1 : (double)a / b;
    }
}
