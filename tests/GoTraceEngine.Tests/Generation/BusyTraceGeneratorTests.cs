using System.Security.Cryptography;
using System.Text;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Generation;

public sealed class BusyTraceGeneratorTests
{
    private static readonly BusyTraceOptions s_small = new() { Seed = 8, Live = 800, Duration = TimeSpan.FromSeconds(60), LeakIncidentsPerMinute = 12 };

    private static (byte[] Data, BusyTraceTruth Truth) Generate(BusyTraceOptions options)
    {
        using var stream = new MemoryStream();
        BusyTraceTruth truth = new BusyTraceGenerator(options).Write(stream);
        return (stream.ToArray(), truth);
    }

    [Fact]
    public void Write_SameOptions_WritesTheSameBytesAndTruth()
    {
        (byte[] a, BusyTraceTruth truthA) = Generate(s_small);
        (byte[] b, BusyTraceTruth truthB) = Generate(s_small);
        (byte[] c, _) = Generate(s_small with { Seed = 9 });
        Assert.Equal(SHA256.HashData(a), SHA256.HashData(b));
        Assert.Equal(truthA.Leaks, truthB.Leaks);
        Assert.NotEqual(SHA256.HashData(a), SHA256.HashData(c));
    }

    [Fact]
    public void Write_ParsesCleanly_MidFlight_OutOfOrder_WithEveryLeakKind()
    {
        (byte[] data, BusyTraceTruth truth) = Generate(s_small);
        var engine = new TraceEngine();
        engine.Feed(data);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(truth.Lines, summary.Lines.Total);
        Assert.Equal(truth.Events, summary.Lines.Events);
        Assert.Equal(0, summary.Lines.SkippedByCategory["malformed"]);
        Assert.Equal(0, summary.Timing.Late);
        Assert.True(summary.Timing.Reordered > 1000, "CPU buffers drained in turn put lines out of time order");
        Assert.True(summary.Anomalies.UntrackedReady > 1000, "attached mid-flight: goroutines older than the trace are readied");
        Assert.Equal(0, summary.Anomalies.MissedDestroy);
        Assert.InRange(summary.Timing.FirstTs ?? 0, truth.AttachTimestamp, truth.AttachTimestamp + 1_000_000_000);
        Assert.Equal(Enum.GetValues<BusyLeakKind>().Order(), truth.Leaks.Select(l => l.Kind).Distinct().Order());
        Assert.True(summary.Blocked > 4 * truth.Leaks.Count, $"busy: far more goroutines blocked ({summary.Blocked}) than leaked ({truth.Leaks.Count})");
    }

    [Fact]
    public void Truth_EveryLeakIsABlockingParkOfItsGoroutine_NeverFollowedByItsRelease()
    {
        (byte[] data, BusyTraceTruth truth) = Generate(s_small);
        string[] lines = Encoding.ASCII.GetString(data).Split('\n');
        foreach (BusyLeak leak in truth.Leaks)
        {
            string line = lines[leak.ParkLine - 1];
            string g = leak.GPointer.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith("gopark: ts=" + leak.StartTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + " goroutine=" + g + " reason=", line, StringComparison.Ordinal);
            Assert.Matches(" reason=[13-7] ", line);
        }

        // After its leaking park (in trace time: lines of different CPUs come out of order), a leaked goroutine's
        // g pointer is never readied, parked again or destroyed.
        var parkTsOf = truth.Leaks.ToDictionary(l => l.GPointer.ToString("x", System.Globalization.CultureInfo.InvariantCulture), l => l.StartTimestamp);
        int checkedLines = 0;
        foreach (string line in lines)
        {
            int at = line.IndexOf(" goroutine=", StringComparison.Ordinal);
            if (at < 0 || !line.Contains("ts=", StringComparison.Ordinal))
            {
                continue;
            }

            string g = line[(at + 11)..].Split(' ')[0];
            if (parkTsOf.TryGetValue(g, out long parkTs))
            {
                long ts = long.Parse(line[(line.IndexOf("ts=", StringComparison.Ordinal) + 3)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(ts <= parkTs, $"leaked g {g} has an event after its leaking park at ts={parkTs}: {line}");
                checkedLines++;
            }
        }

        Assert.True(checkedLines >= 2 * truth.Leaks.Count);
    }

    [Fact]
    public void Truth_IsLeakedAt_FollowsTheCut()
    {
        (_, BusyTraceTruth truth) = Generate(s_small);
        BusyLeak first = truth.Leaks[0];
        Assert.False(truth.IsLeakedAt(first.GoId, first.ParkLine - 1));
        Assert.True(truth.IsLeakedAt(first.GoId, first.ParkLine));
        Assert.False(truth.IsLeakedAt(-1, truth.Lines));
        Assert.Equal(0, truth.LeakedAt(first.ParkLine - 1));
        Assert.Equal(truth.Leaks.Count, truth.LeakedAt(truth.Lines));
    }

    [Fact]
    public void Write_Quiesced_EndsWithOnlyTheLeaksBlocked()
    {
        (byte[] data, BusyTraceTruth truth) = Generate(s_small with { Quiesce = true });
        var engine = new TraceEngine();
        engine.Feed(data);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.True(truth.Quiesced);
        Assert.Equal(truth.Leaks.Count, summary.Blocked);
        Assert.Equal(truth.Leaks.Select(l => l.GPointer).Order(), summary.Leaks.Select(l => l.G).Order());
    }
}
