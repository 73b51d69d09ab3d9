using System.Diagnostics;
using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Fuzzing;

/// <summary>
/// Feeds the whole pipeline generated inputs and checks the invariants a user relies on after each one. Every input
/// is a pure function of (seed, index), so a failure is reproduced by its pair alone.
/// </summary>
/// <remarks>
/// Inputs: random bytes over a trace-like alphabet; mutated fixtures (bit flips, truncations, splices, duplicated and
/// dropped lines, huge numbers, huge lines, NULs, invalid UTF-8); random event streams with edge-case values. Each is
/// fed in random chunks with randomly tight limits. Invariants: no exception escapes, no input hangs (a 30 s watchdog: the machine is shared, so this catches runaway loops, never speed),
/// events + skipped = lines read = the input's line count, live ⊇ blocked, no count is negative, per-reason blocked
/// counts add up, the report serialises and reads back, and allocation stays within a bound of the input's size.
/// </remarks>
internal static class FuzzHarness
{
    private static readonly byte[][] s_fixtures = [.. Directory.GetFiles(Fixtures.Directory, "*.txt").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    private static readonly string[] s_keywords =
        ["newproc1: ", "gopark: ", "ready: ", "godestroy: ", "gdestroy: ", "profile-1s: ", "END: ", "goroutine ", "dtrace: ", "# gotrace ", "CPU     ID   FUNCTION:NAME", "  0  80131  runtime.gopark:entry ", " 12  -> "];

    private static readonly string[] s_keys = ["goroutine", "parent", "count", "blocked_count", "blocked", "reason", "ts", "goid", "fn", "creator", "obj", "wait", "x", ""];

    /// <summary>Runs inputs [from, to) of <paramref name="seed"/>; returns the failures, each with its (seed, index).</summary>
    public static List<string> Run(int seed, long from, long to)
    {
        var failures = new List<string>();
        for (long index = from; index < to && failures.Count < 10; index++)
        {
            string? failure = RunOne(seed, index);
            if (failure is not null)
            {
                failures.Add($"seed {seed} input {index}: {failure}");
            }
        }

        return failures;
    }

    public static string? RunOne(int seed, long index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        byte[] input = Input(random, index);
        var options = new TraceEngineOptions
        {
            MaxLineLength = random.Next(4) == 0 ? random.Next(8, 300) : 0,
            MaxPendingEvents = random.Next(4) == 0 ? random.Next(1, 50) : 0,
            MaxGoroutines = random.Next(4) == 0 ? random.Next(1, 30) : 0,
            ReorderWindow = random.Next(3) == 0 ? TimeSpan.FromTicks(random.Next(0, 1000)) : TimeSpan.FromSeconds(2),
            MaxWarnings = random.Next(1, 5),
            MaxDiagnostics = random.Next(1, 5),
            LeakAfter = random.Next(3) == 0 ? TimeSpan.FromTicks(random.Next(0, 100)) : TimeSpan.Zero,
        };
        try
        {
            var clock = Stopwatch.StartNew();
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var engine = new TraceEngine(options);
            int at = 0;
            while (at < input.Length)
            {
                int n = Math.Min(random.Next(1, 97), input.Length - at);
                engine.Feed(input.AsSpan(at, n));
                at += n;
            }

            engine.Complete();
            TraceSummary summary = engine.GetSummary();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            string? broken = Check(engine, summary, input);
            if (broken is not null)
            {
                return broken;
            }

            if (allocated > (256L * input.Length) + (4L << 20))
            {
                return $"allocated {allocated} bytes for {input.Length} bytes of input";
            }

            string json = ReportWriter.ToJson(summary);
            if (ReportWriter.ToJson(ReportWriter.FromJson(json)) != json)
            {
                return "the JSON report does not read back to itself";
            }

            ReportWriter.WriteText(summary, TextWriter.Null);
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return $"took {clock.Elapsed.TotalMilliseconds:0} ms for {input.Length} bytes";
            }

            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
        }
    }

    private static string? Check(TraceEngine engine, TraceSummary summary, byte[] input)
    {
        long newlines = input.AsSpan().Count((byte)'\n');
        long lines = input.Length > 0 && input[^1] != (byte)'\n' ? newlines + 1 : newlines;
        if (summary.Lines.Total != lines)
        {
            return $"read {summary.Lines.Total} lines, the input has {lines}";
        }

        if (summary.Lines.Events + summary.Lines.Skipped != summary.Lines.Total || summary.Lines.SkippedByCategory.Values.Sum() != summary.Lines.Skipped)
        {
            return "events + skipped != lines read";
        }

        if (summary.Blocked > summary.Live || summary.Live < 0 || summary.Blocked < 0)
        {
            return $"live {summary.Live}, blocked {summary.Blocked}";
        }

        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            if (!engine.Live.TryGet(blocked.GPointer, out _))
            {
                return $"blocked g 0x{blocked.GPointer:x} is not live";
            }
        }

        long byReason = 0;
        for (int code = 0; code < 256; code++)
        {
            long count = engine.State.BlockedWithReason((byte)code);
            if (count < 0)
            {
                return $"negative blocked count for reason {code}";
            }

            byReason += count;
        }

        if (byReason != summary.Blocked)
        {
            return $"blocked by reason adds up to {byReason}, blocked is {summary.Blocked}";
        }

        AnomalyCounts a = summary.Anomalies;
        EventCounts e = summary.Events;
        if (a.MissedDestroy < 0 || a.UntrackedPark < 0 || a.UntrackedReady < 0 || a.UntrackedDestroy < 0
            || e.Create < 0 || e.Park < 0 || e.Ready < 0 || e.Destroy < 0 || e.Tick < 0 || e.End < 0 || summary.Timing.Late < 0)
        {
            return "a negative count";
        }

        if (e.Create + e.Park + e.Ready + e.Destroy + e.Tick + e.End != summary.Lines.Events)
        {
            return "events by kind do not add up to events";
        }

        if (summary.Leaks.Count > summary.Blocked || summary.LeakGroups.Sum(g => g.Count) != summary.Leaks.Count)
        {
            return "leak groups do not add up to the leaks";
        }

        return summary.Completed && summary.Timing.Pending == 0 ? null : "not completed after Complete()";
    }

    private static byte[] Input(Random random, long index) => (index % 3) switch
    {
        0 => RandomBytes(random),
        1 => MutatedFixture(random),
        _ => RandomEvents(random),
    };

    private static byte[] RandomBytes(Random random)
    {
        const string alphabet = "0123456789abcdefx =:-\n\r\t#`|gopark";
        var bytes = new byte[random.Next(0, 600)];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)alphabet[random.Next(alphabet.Length)];
        }

        return bytes;
    }

    private static byte[] MutatedFixture(Random random)
    {
        List<byte> data = [.. s_fixtures[random.Next(s_fixtures.Length)]];
        int mutations = random.Next(1, 9);
        for (int m = 0; m < mutations && data.Count > 0; m++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 2:
                    byte[] other = s_fixtures[random.Next(s_fixtures.Length)];
                    int from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, random.Next(1, 400))).ToArray());
                    break;
                case 3:
                    (int start, int end) = LineAround(data, at);
                    data.InsertRange(start, data.GetRange(start, end - start));
                    break;
                case 4:
                    (start, end) = LineAround(data, at);
                    data.RemoveRange(start, end - start);
                    break;
                case 5:
                    data.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "999999999999999999999999999999" : "ffffffffffffffffffff"));
                    break;
                case 6:
                    data.InsertRange(at, Enumerable.Repeat((byte)'z', random.Next(100, 70_000)));
                    break;
                case 7:
                    data.InsertRange(at, Enumerable.Repeat((byte)0, random.Next(1, 20)));
                    break;
                default:
                    data.InsertRange(at, [0xC3, 0x28, 0xFF, 0xE2, 0x82]);
                    break;
            }
        }

        return [.. data];
    }

    private static (int Start, int End) LineAround(List<byte> data, int at)
    {
        int start = at;
        while (start > 0 && data[start - 1] != (byte)'\n')
        {
            start--;
        }

        int end = at;
        while (end < data.Count && data[end] != (byte)'\n')
        {
            end++;
        }

        return (start, Math.Min(data.Count, end + 1));
    }

    private static byte[] RandomEvents(Random random)
    {
        var text = new StringBuilder();
        int lines = random.Next(1, 200);
        ulong[] pool = [.. Enumerable.Range(0, random.Next(1, 20)).Select(i => 0xc000000000UL + ((ulong)random.Next(1, 64) << 9))];
        for (int i = 0; i < lines; i++)
        {
            text.Append(s_keywords[random.Next(s_keywords.Length)]);
            int fields = random.Next(0, 7);
            for (int f = 0; f < fields; f++)
            {
                string key = s_keys[random.Next(s_keys.Length)];
                text.Append(key).Append('=').Append(Value(random, key, pool)).Append(random.Next(10) == 0 ? "  " : " ");
            }

            text.Append(random.Next(8) == 0 ? "\r\n" : "\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Value(Random random, string key, ulong[] pool) => random.Next(12) switch
    {
        0 => string.Empty,
        1 => "-1",
        2 => "18446744073709551616",
        3 => "0x",
        4 => "0",
        _ => key switch
        {
            "goroutine" or "obj" => pool[random.Next(pool.Length)].ToString(random.Next(3) == 0 ? "X" : "x", CultureInfo.InvariantCulture),
            "fn" or "creator" => "main.f" + random.Next(5).ToString(CultureInfo.InvariantCulture),
            "ts" => random.NextInt64(0, 10_000).ToString(CultureInfo.InvariantCulture),
            _ => random.Next(0, 300).ToString(CultureInfo.InvariantCulture),
        },
    };
}
