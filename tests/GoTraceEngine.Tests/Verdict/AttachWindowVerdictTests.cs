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
        (string[] symbols, List<(long Ts, string Line)> events, HashSet<long> truth, long start) = Load(name);
        int windows = 0, adoptedWindows = 0;
        long leaks = 0;
        var healthy = new List<string>();
        foreach (double width in s_widths)
        {
            for (int k = 0; k <= 12; k++)
            {
                long from = start + 2_500_000_000L + (k * 250_000_000L);
                long to = from + (long)(width * 1e9);
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
                windows++;
                adoptedWindows += summary.Anomalies.Adopted >= 20 ? 1 : 0;
                leaks += summary.Leaks.Count;
                healthy.AddRange(summary.Leaks.Where(l => !truth.Contains(l.GoId!.Value)).Select(l =>
                    $"{width}s from {(from - start) / 1e9:0.00}s: goroutine {l.GoId} {l.StartFunction} / {l.Creator} {l.Reason}, {l.Rule}: {l.Evidence}"));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {windows} windows, {leaks} leaks reported, {healthy.Count} healthy");
        Assert.Equal(windows, adoptedWindows);
        Assert.True(leaks >= 2 * windows, $"{name}: only {leaks} leaks over {windows} windows: the windows must hold leaks to judge");
        Assert.True(healthy.Count == 0, $"{healthy.Count} healthy goroutines called leaked:\n" + string.Join('\n', healthy.Take(20)));
    }

    private static (string[] Symbols, List<(long Ts, string Line)> Events, HashSet<long> Truth, long Start) Load(string name)
    {
        RecordedTrace trace = RecordedTrace.Load(name, Path.Combine("real", "attach"));
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
