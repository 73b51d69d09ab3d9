using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Reporting;

/// <summary>
/// "Waiting on the same object": the objects several leaks wait on (a channel nobody closes, a lock never released).
/// A server that leaks a goroutine per request blocks each on the request's own channel; those objects are each
/// leak's own and belong to its leak line, not to this list.
/// </summary>
public sealed partial class WaitObjectReportTests
{
    [Fact]
    public void LeaksEachOnItsOwnChannel_AreNotListedAsSharingAnObject()
    {
        // 40 request fetchers, each stuck sending on its request's channel; 3 workers on one jobs channel.
        var trace = new StringBuilder();
        long ts = 1_000_000_000;
        for (int i = 0; i < 40; i++)
        {
            trace.AppendLine($"newproc1: ts={ts++} goroutine=c1{i:x4}00 fn=main.fetch creator=main.request");
            trace.AppendLine($"gopark: ts={ts++} goroutine=c1{i:x4}00 reason=6 obj=e1{i:x4}00");
        }

        for (int i = 0; i < 3; i++)
        {
            trace.AppendLine($"newproc1: ts={ts++} goroutine=c2{i:x4}00 fn=main.worker creator=main.startPool");
            trace.AppendLine($"gopark: ts={ts++} goroutine=c2{i:x4}00 reason=7 obj=e2000000");
        }

        trace.AppendLine($"END: ts={ts + 5_000_000_000}");
        TraceSummary summary = Replays.Whole(trace.ToString());

        Assert.Equal(43, summary.Leaks.Count);
        WaitObjectGroup shared = Assert.Single(summary.WaitObjects);
        Assert.Equal((0xe2000000UL, 3L, "main.worker"), (shared.Obj, shared.Count, shared.StartFunction));

        // Each fetcher's own channel is still on its leak line, in text and JSON.
        Assert.All(summary.Leaks.Where(l => l.StartFunction == "main.fetch"), l => Assert.True(l.Obj >> 24 == 0xe1, $"{l.Obj:x}"));
        string text = Replays.Text(summary);
        Assert.Equal(["      3  on 0xe2000000  chan receive (7)  main.worker  e.g. g 0xc2000000"], text.Split('\n').Where(l => ObjectLine().IsMatch(l)));
        JsonElement json = JsonDocument.Parse(ReportWriter.ToJson(summary)).RootElement;
        Assert.Equal(1, json.GetProperty("waitObjects").GetArrayLength());
    }

    [Fact]
    public void ManySharedObjects_TextShowsTheBiggestAndCountsTheRest_JsonListsThemAll()
    {
        // 15 jobs channels nobody closes, with k + 2 workers ranging over channel k.
        var trace = new StringBuilder();
        long ts = 1_000_000_000;
        int g = 0;
        for (int k = 0; k < 15; k++)
        {
            for (int j = 0; j < k + 2; j++, g++)
            {
                trace.AppendLine($"newproc1: ts={ts++} goroutine=c3{g:x4}00 fn=main.update creator=main.serve");
                trace.AppendLine($"gopark: ts={ts++} goroutine=c3{g:x4}00 reason=7 obj=e3{k:x4}00");
            }
        }

        trace.AppendLine($"END: ts={ts + 5_000_000_000}");
        TraceSummary summary = Replays.Whole(trace.ToString());

        Assert.Equal(15, summary.WaitObjects.Count);
        Assert.Equal(Enumerable.Range(2, 15).Reverse().Select(n => (long)n), summary.WaitObjects.Select(o => o.Count));
        string[] lines = Replays.Text(summary).Split('\n');
        int header = Array.IndexOf(lines, "  waiting on the same object");
        Assert.True(header >= 0, string.Join('\n', lines));
        Assert.All(lines.Skip(header + 1).Take(ReportWriter.MaxGroupsShown), l => Assert.Matches(@"^\s+\d+  on 0xe3[0-9a-f]+  chan receive \(7\)  main\.update  e\.g\. g 0x", l));
        Assert.StartsWith("     16  on 0xe3000e00  ", lines[header + 1], StringComparison.Ordinal);

        // The five smallest: 2 + 3 + 4 + 5 + 6 goroutines.
        Assert.Equal("         … and 5 more objects (20 goroutines): --format json lists them all", lines[header + 1 + ReportWriter.MaxGroupsShown]);
        Assert.Equal(15, JsonDocument.Parse(ReportWriter.ToJson(summary)).RootElement.GetProperty("waitObjects").GetArrayLength());
    }

    [GeneratedRegex(@"^\s+\d+  on 0x")]
    private static partial Regex ObjectLine();

    [Fact]
    public void LockWaits_SharingTheRuntimesSemaphoreBucket_AreNotListedAsOneObject()
    {
        // A sync park's obj= is the runtime's semaphore bucket: these four wait on two locks, or four, or one.
        var trace = new StringBuilder();
        long ts = 1_000_000_000;
        for (int i = 0; i < 4; i++)
        {
            trace.AppendLine($"newproc1: ts={ts++} goroutine=c4{i:x4}00 fn=main.store creator=main.serve");
            trace.AppendLine($"gopark: ts={ts++} goroutine=c4{i:x4}00 reason=5 obj=5915c0");
        }

        trace.AppendLine($"END: ts={ts + 5_000_000_000}");
        TraceSummary summary = Replays.Whole(trace.ToString());

        Assert.Equal(4, summary.Leaks.Count);
        Assert.All(summary.Leaks, l => Assert.Equal(0x5915c0UL, l.Obj));
        Assert.Empty(summary.WaitObjects);
        Assert.DoesNotContain("waiting on the same object", Replays.Text(summary), StringComparison.Ordinal);
    }
}
