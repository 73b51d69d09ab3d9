using System.Globalization;
using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>
/// The orderer releases what its window has passed in runs (every so many pushes, and before anything could tell the
/// difference), not after every push. Fed one line at a time, the engine brings its tables up to date after every
/// line, which is releasing after every push; fed the whole trace at once, or replayed on two threads, it releases in
/// runs. Both must apply the same events in the same order and give the same report, on traces that exercise every
/// case the runs must respect: CPU streams out of order, stragglers later than the window (late, and stale), untimed
/// lines among timed ones, rare lines between events (the tracer's stop, malformed lines), corrupt timestamps (one at a
/// time, and a clock set by one), and a buffer held full.
/// </summary>
public sealed class ReleaseInRunsTests
{
    private struct RecordingSink : ITraceSink
    {
        public List<(TraceEventKind Kind, ulong G, long Ts, long Line)>? Applied;

        public readonly void OnEvent(in TraceEvent e) => Applied!.Add((e.Kind, e.GPointer, e.Timestamp, e.LineNumber));
    }

    public static TheoryData<int, int, int, bool> Cases() => new()
    {
        // seed, maxPending (0: default), window in microseconds, whether the first line's timestamp is corrupt
        { 1, 0, 2_000, false },
        { 2, 0, 200, false },
        { 3, 40, 2_000, false },
        { 4, 300, 50, false },
        { 5, 0, 0, false },
        { 6, 5, 1_000, false },
        { 9, 0, 0, true },
        { 10, 0, 500, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FedWhole_SameEventsInSameOrderAndSameReport_AsFedLineByLine(int seed, int maxPending, int windowMicros, bool corruptStart)
    {
        string[] lines = Trace(seed, corruptStart);
        var options = new TraceEngineOptions
        {
            MaxPendingEvents = maxPending,
            ReorderWindow = TimeSpan.FromMicroseconds(windowMicros),
            Parallelism = ReplayParallelism.SingleThread,
        };

        (List<(TraceEventKind, ulong, long, long)> eager, string eagerReport) = Run(options, engine =>
        {
            foreach (string line in lines)
            {
                engine.Feed(Encoding.UTF8.GetBytes(line + "\n"));
            }
        });
        (List<(TraceEventKind, ulong, long, long)> runs, string runsReport) = Run(options, engine =>
            engine.Feed(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));

        Assert.True(eager.Count > lines.Length / 2, $"only {eager.Count} events applied of {lines.Length} lines");
        Assert.Equal(eager, runs);
        Assert.Equal(eagerReport, runsReport);
    }

    [Theory]
    [InlineData(7, ReplayParallelism.ParallelParse)]
    [InlineData(8, ReplayParallelism.ApplyThread)]
    public void ReplayedOnTwoThreads_SameEventsInSameOrder_AsFedLineByLine(int seed, ReplayParallelism mode)
    {
        string[] lines = Trace(seed, corruptStart: false);
        var eagerOptions = new TraceEngineOptions { ReorderWindow = TimeSpan.FromMicroseconds(300), Parallelism = ReplayParallelism.SingleThread };
        (List<(TraceEventKind, ulong, long, long)> eager, string eagerReport) = Run(eagerOptions, engine =>
        {
            foreach (string line in lines)
            {
                engine.Feed(Encoding.UTF8.GetBytes(line + "\n"));
            }
        });

        byte[] whole = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var options = eagerOptions with { Parallelism = mode, ReadBufferSize = 4096 };
        (List<(TraceEventKind, ulong, long, long)> runs, string runsReport) = Run(options, engine => engine.Replay(new MemoryStream(whole)));

        Assert.Equal(eager, runs);
        Assert.Equal(eagerReport, runsReport);
    }

    private static (List<(TraceEventKind, ulong, long, long)> Applied, string Report) Run(TraceEngineOptions options, Action<TraceEngine<RecordingSink>> feed)
    {
        var applied = new List<(TraceEventKind, ulong, long, long)>();
        var engine = new TraceEngine<RecordingSink>(options, new RecordingSink { Applied = applied });
        feed(engine);
        if (!engine.IsCompleted)
        {
            engine.Complete();
        }

        return (applied, ReportWriter.ToJson(engine.GetSummary()));
    }

    /// <summary>
    /// Four CPUs whose buffers are drained in turn, so lines come out of time order by up to a drain's span; some
    /// lines held back much longer (later than small windows); ticks and rare lines in between; a few corrupt timestamps.
    /// With <paramref name="corruptStart"/> the first line's timestamp is far in the future: it sets the clock, the
    /// lines after it are far behind it, and a run of them restarts the clock (what is held is applied at once).
    /// </summary>
    private static string[] Trace(int seed, bool corruptStart)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        if (corruptStart)
        {
            lines.Add("newproc1: ts=900000000000000000 goroutine=c0000ff000 parent=1 goid=1 fn=main.main creator=main.main");
        }

        var buffers = new List<(long Ts, string Text)>[4];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = [];
        }

        var stragglers = new List<(long Due, string Text)>();
        var live = new List<ulong>();
        var blocked = new HashSet<ulong>();
        long now = 1_000_000_000;
        ulong nextG = 0xc000010000;
        for (int step = 0; step < 6_000; step++)
        {
            now += random.Next(1, 20_000);
            string text;
            if (live.Count < 50 || random.Next(10) == 0)
            {
                ulong g = nextG;
                nextG += 0x1a0;
                live.Add(g);
                text = F($"newproc1: ts={now} goroutine={g:x} parent=1 goid={step} fn=main.worker{random.Next(5)} creator=main.main");
            }
            else
            {
                ulong g = live[random.Next(live.Count)];
                int kind = random.Next(10);
                if (kind < 4)
                {
                    blocked.Add(g);
                    text = F($"gopark: ts={now} goroutine={g:x} reason={random.Next(2, 8)} wait={random.Next(1, 20)} obj={(random.Next(2) == 0 ? 0 : 0xc000100000 + (ulong)random.Next(8)):x}");
                }
                else if (kind < 8)
                {
                    blocked.Remove(g);
                    text = F($"ready: ts={now} goroutine={g:x}");
                }
                else
                {
                    live.Remove(g);
                    blocked.Remove(g);
                    text = F($"godestroy: ts={now} goroutine={g:x}");
                }
            }

            if (random.Next(200) == 0)
            {
                // Held back past small windows: late, and stale when its goroutine moved on meanwhile.
                stragglers.Add((now + random.Next(100_000, 3_000_000), text));
            }
            else
            {
                buffers[random.Next(buffers.Length)].Add((now, text));
            }

            if (random.Next(40) == 0)
            {
                // A drain: one CPU's buffer, in its own order.
                var drained = buffers[random.Next(buffers.Length)];
                lines.AddRange(drained.Select(b => b.Text));
                drained.Clear();
            }

            foreach (var due in stragglers.Where(s => s.Due <= now).ToList())
            {
                lines.Add(due.Text);
                stragglers.Remove(due);
            }

            if (step == 5_000)
            {
                // The tracer's stop, earlier than the window's edge: events held past it are applied before it, the rest not at all.
                lines.Add(F($"# tracer stopped ts={now - 5_000_000}"));
            }

            switch (random.Next(300))
            {
                case 0:
                    lines.Add("tick-1s:");
                    break;
                case 1:
                    lines.Add("this line is not an event");
                    break;
                case 2:
                    lines.Add(F($"ready: ts=99999999999999999 goroutine={live[random.Next(live.Count)]:x}"));
                    break;
                default:
                    break;
            }
        }

        foreach (var buffer in buffers)
        {
            lines.AddRange(buffer.Select(b => b.Text));
        }

        lines.AddRange(stragglers.Select(s => s.Text));
        return [.. lines];
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
