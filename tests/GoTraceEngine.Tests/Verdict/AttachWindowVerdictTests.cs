using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// The verdict on what <c>gotrace trace -p PID --duration 5s</c> sees of a busy server attached a few seconds after it
/// started: fixtures/go/busy-server's short scenario (30 keep-alive sessions ticking every 1-8 s, opened at startup and
/// reopened at another go statement as they expire), recorded from its start (fixtures/real/attach) and cut into
/// attach windows of 3.5-5 s starting 2.5-5.5 s in. A window holds the symbol lines, then every event inside it, each
/// park carrying its goroutine's identity from its create line as the attach script prints it (<c>goid= gopc= fn=
/// creator=</c>), then the tracer's end. Every goroutine the report calls leaked must be one the program says it
/// leaked: sessions opened in the window whose tickers have not fired yet are no leak while the sessions opened at
/// startup keep waking (the cause of a live test that failed now and then).
/// </summary>
public sealed class AttachWindowVerdictTests
{
    private static readonly double[] s_widths = [3.5, 4, 4.5, 5];

    public static TheoryData<string> Recordings => ["busy-server-short-go1.22", "busy-server-short-go1.27"];

    [Theory]
    [MemberData(nameof(Recordings))]
    public void AttachWindows_OnABusyServer_CallLeakedOnlyWhatTheProgramLeaked(string name)
    {
        (string[] symbols, List<(long Ts, string Line)> events, HashSet<long> truth, long start) = Load(name, Path.Combine("real", "attach"));
        var windows = new List<(long From, long To)>();
        foreach (double width in s_widths)
        {
            for (int k = 0; k <= 12; k++)
            {
                long from = start + 2_500_000_000L + (k * 250_000_000L);
                windows.Add((from, from + (long)(width * 1e9)));
            }
        }

        Score(name, symbols, events, truth, start, windows, minLeaksPerWindow: 2);
    }

    /// <summary>
    /// Longer attaches to the busy server's other scenarios (recorded from their start, about 42 s each): windows of
    /// 10, 20 and 30 s. Goroutines created before the window supply one independent release each, so the groups made
    /// of them can decide; a healthy goroutine must still never be called leaked.
    /// </summary>
    [Theory]
    [MemberData(nameof(RecordedTrace.Names), MemberType = typeof(RecordedTrace))]
    public void LongAttachWindows_OnABusyServer_CallLeakedOnlyWhatTheProgramLeaked(string name)
    {
        (string[] symbols, List<(long Ts, string Line)> events, HashSet<long> truth, long start) = Load(name, "real");
        long last = events.Max(e => e.Ts);
        var windows = new List<(long From, long To)>();
        foreach (int seconds in (int[])[10, 20, 30])
        {
            for (long from = start + 2_500_000_000L; from + (seconds * 1_000_000_000L) <= last; from += 1_000_000_000L)
            {
                windows.Add((from, from + (seconds * 1_000_000_000L)));
            }
        }

        Score(name, symbols, events, truth, start, windows, minLeaksPerWindow: 1);
    }

    /// <summary>Replays every window as an attach sees it and checks that what is called leaked is what the program leaked.</summary>
    private static void Score(string name, string[] symbols, List<(long Ts, string Line)> events, HashSet<long> truth, long start, List<(long From, long To)> windows, int minLeaksPerWindow)
    {
        int adoptedWindows = 0;
        long leaks = 0;
        var healthy = new List<string>();
        foreach ((long from, long to) in windows)
        {
            var text = new StringBuilder();
            foreach (string symbol in symbols)
            {
                text.Append(symbol).Append('\n');
            }

            text.Append("Attaching 9 probes...\n");
            foreach ((long ts, string line) in events)
            {
                if (ts >= from && ts <= to)
                {
                    text.Append(line).Append('\n');
                }
            }

            text.Append(CultureInfo.InvariantCulture, $"END: ts={to + 300_000_000L}\n");
            var engine = new TraceEngine();
            engine.Feed(Encoding.UTF8.GetBytes(text.ToString()));
            engine.Complete();
            TraceSummary summary = engine.GetSummary();
            adoptedWindows += summary.Anomalies.Adopted >= 20 ? 1 : 0;
            leaks += summary.Leaks.Count;
            healthy.AddRange(summary.Leaks.Where(l => !truth.Contains(l.GoId!.Value)).Select(l =>
                $"{(to - from) / 1e9}s from {(from - start) / 1e9:0.00}s: goroutine {l.GoId} {l.StartFunction} / {l.Creator} {l.Reason}, {l.Rule}: {l.Evidence}"));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {windows.Count} windows, {leaks} leaks reported, {healthy.Count} healthy");
        Assert.Equal(windows.Count, adoptedWindows);
        Assert.True(leaks >= minLeaksPerWindow * windows.Count, $"{name}: only {leaks} leaks over {windows.Count} windows: the windows must hold leaks to judge");
        Assert.True(healthy.Count == 0, $"{healthy.Count} healthy goroutines called leaked:\n" + string.Join('\n', healthy.Take(20)));
    }

    private static (string[] Symbols, List<(long Ts, string Line)> Events, HashSet<long> Truth, long Start) Load(string name, string folder)
    {
        RecordedTrace trace = RecordedTrace.Load(name, folder);
        string[] lines = Encoding.UTF8.GetString(trace.Data).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // What the attach script adds to every park: the goroutine's identity, known from its create line.
        var identity = new Dictionary<string, string>(StringComparer.Ordinal);
        var events = new List<(long, string)>();
        foreach (string raw in lines)
        {
            string line = raw;
            if (line.StartsWith("newproc1:", StringComparison.Ordinal))
            {
                identity[Field(line, "goroutine")] = " " + string.Join(' ', line.Split(' ').Where(w => w.StartsWith("goid=", StringComparison.Ordinal)
                    || w.StartsWith("gopc=", StringComparison.Ordinal) || w.StartsWith("fn=", StringComparison.Ordinal) || w.StartsWith("creator=", StringComparison.Ordinal)));
            }
            else if (line.StartsWith("gopark:", StringComparison.Ordinal) && !line.Contains(" fn=", StringComparison.Ordinal)
                && identity.TryGetValue(Field(line, "goroutine"), out string? id))
            {
                line += id;
            }

            if (!line.StartsWith('#') && !line.StartsWith("END", StringComparison.Ordinal) && line.Contains(" ts=", StringComparison.Ordinal))
            {
                events.Add((long.Parse(Field(line, "ts"), CultureInfo.InvariantCulture), line));
            }
        }

        Assert.True(trace.Leaks.Count >= 4, $"{name}: the truth holds only {trace.Leaks.Count} leaks");
        return ([.. lines.Where(l => l.StartsWith("# gotrace", StringComparison.Ordinal))], events, [.. trace.Leaks.Keys], trace.Start);
    }

    private static string Field(string line, string key)
    {
        int at = line.IndexOf(" " + key + "=", StringComparison.Ordinal) + key.Length + 2;
        int end = line.IndexOf(' ', at);
        return end < 0 ? line[at..] : line[at..end];
    }
}
