using System.Diagnostics;
using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.State;

public sealed class HashFloodingTests
{
    [Fact]
    public void CollidingKeys_CollideUnderTheUnseededHash()
    {
        // Sanity of the attack itself: without hardening all of these would share one home slot.
        ulong[] keys = CollidingKeys.Create(1000);
        Assert.All(keys, k => Assert.True((k * 0x9E3779B97F4A7C15UL) >> 44 == 0));
    }

    [Fact]
    public void OpenTable_FloodOfCollidingKeys_HardensAndStaysCorrect()
    {
        ulong[] keys = CollidingKeys.Create(50_000);
        var table = new OpenTable<long>(16);
        var clock = Stopwatch.StartNew();
        foreach (ulong key in keys)
        {
            table.GetValueRefOrAddDefault(key, out _) = (long)(key >> 3);
        }

        Assert.True(table.IsHardened);
        Assert.Equal(keys.Length, table.Count);
        foreach (ulong key in keys)
        {
            Assert.Equal((long)(key >> 3), table.GetValueRefOrNullRef(key));
        }

        for (int i = 0; i < keys.Length; i += 2)
        {
            Assert.True(table.Remove(keys[i]));
        }

        Assert.Equal(keys.Length / 2, table.Count);

        // Quadratic probing of 50 000 colliding keys would take tens of seconds; hardened it is milliseconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void OpenTable_OrdinaryPointers_NeverHarden()
    {
        var table = new OpenTable<long>(16);
        for (ulong i = 0; i < 200_000; i++)
        {
            table.GetValueRefOrAddDefault(0xc000000000UL + (i * 0x1a0), out _);
        }

        Assert.False(table.IsHardened);
    }

    [Fact]
    public void Replay_TraceOfCollidingPointers_GivesTheRightReport()
    {
        ulong[] keys = CollidingKeys.Create(20_000);
        var text = new StringBuilder();
        foreach (ulong key in keys)
        {
            text.Append(CultureInfo.InvariantCulture, $"newproc1: goroutine={key:x}\ngopark: goroutine={key:x} reason=6\n");
        }

        for (int i = 0; i < keys.Length; i += 2)
        {
            text.Append(CultureInfo.InvariantCulture, $"godestroy: goroutine={keys[i]:x}\n");
        }

        var engine = new TraceEngine();
        engine.Feed(Encoding.ASCII.GetBytes(text.ToString()));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(10_000, summary.Live);
        Assert.Equal(10_000, summary.Blocked);
        Assert.Equal(0, summary.Anomalies.Total);
    }
}
