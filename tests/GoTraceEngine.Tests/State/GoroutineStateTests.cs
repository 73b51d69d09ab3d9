using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.State;

public sealed class GoroutineStateTests
{
    private const ulong G1 = 0xc000001000;
    private const ulong G2 = 0xc000002000;

    private static readonly ReasonTable s_reasons = ReasonTable.TraceBlockReason;

    private static TraceEvent Create(ulong g, long line = 1, ulong parent = 0) => new(TraceEventKind.Create, g, line, TraceEventFields.Parent, parent);

    private static TraceEvent Park(ulong g, byte reason, long line = 2) => new(TraceEventKind.Park, g, line, TraceEventFields.Reason, reason: reason);

    private static TraceEvent Ready(ulong g) => new(TraceEventKind.Ready, g, 3);

    private static TraceEvent Destroy(ulong g) => new(TraceEventKind.Destroy, g, 4);

    private static GoroutineState NewState() => new(s_reasons, 16);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Apply_ParkWithBlockingReason_Blocks(byte reason)
    {
        GoroutineState state = NewState();
        state.Apply(Create(G1));
        state.Apply(Park(G1, reason));
        Assert.Equal(1, state.Blocked.Count);
        Assert.True(new GoroutineView<BlockedGoroutine>(new TableReader<BlockedValue, BlockedGoroutine>(state.Blocked)).TryGet(G1, out BlockedGoroutine b));
        Assert.Equal(reason, b.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(14)]
    [InlineData(200)]
    public void Apply_ParkWithOtherReason_DoesNotBlockAndUnblocks(byte reason)
    {
        GoroutineState state = NewState();
        state.Apply(Create(G1));
        state.Apply(Park(G1, 6));
        state.Apply(Park(G1, reason));
        Assert.Equal(0, state.Blocked.Count);
        Assert.Equal(1, state.Live.Count);
    }

    [Fact]
    public void Apply_ReadyAndDestroy_Unblock()
    {
        GoroutineState state = NewState();
        state.Apply(Create(G1));
        state.Apply(Create(G2));
        state.Apply(Park(G1, 6));
        state.Apply(Park(G2, 7));
        state.Apply(Ready(G1));
        Assert.Equal(1, state.Blocked.Count);
        state.Apply(Destroy(G2));
        Assert.Equal(0, state.Blocked.Count);
        Assert.Equal(1, state.Live.Count);
        Assert.Equal(0, state.MissedDestroys + state.UntrackedDestroys + state.UntrackedParks + state.UntrackedReadies);
    }

    [Fact]
    public void Apply_CreateOfLiveG_CountsMissedDestroyAndStartsFresh()
    {
        GoroutineState state = NewState();
        state.Apply(Create(G1, line: 1, parent: 5));
        state.Apply(Park(G1, 6));
        state.Apply(Create(G1, line: 9, parent: 7));
        Assert.Equal(1, state.MissedDestroys);
        Assert.Equal(1, state.Live.Count);
        Assert.Equal(0, state.Blocked.Count);
        Assert.True(new GoroutineView<GoroutineRecord>(new TableReader<LiveValue, GoroutineRecord>(state.Live)).TryGet(G1, out GoroutineRecord r));
        Assert.Equal(new GoroutineRecord { GPointer = G1, Parent = 7, CreateLineNumber = 9 }, r);
    }

    [Fact]
    public void Apply_EventsForUntrackedG_AreCountedAndIgnored()
    {
        GoroutineState state = NewState();
        state.Apply(Park(G1, 6));
        state.Apply(Ready(G1));
        state.Apply(Destroy(G1));
        state.Apply(Destroy(G2));
        Assert.Equal((1, 1, 2), (state.UntrackedParks, state.UntrackedReadies, state.UntrackedDestroys));
        Assert.Equal(0, state.Live.Count);
        Assert.Equal(0, state.Blocked.Count);
    }

    [Fact]
    public void Apply_SecondParkWithoutReady_IsTheSamePark()
    {
        GoroutineState state = NewState();
        state.Apply(Create(G1));
        state.Apply(Park(G1, 6, line: 10));
        state.Apply(Park(G1, 6, line: 11));
        Assert.True(new GoroutineView<BlockedGoroutine>(new TableReader<BlockedValue, BlockedGoroutine>(state.Blocked)).TryGet(G1, out BlockedGoroutine b));
        Assert.Equal(10, b.ParkLineNumber);
        Assert.Equal(0, state.MissedDestroys + state.UntrackedParks);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Apply_RandomStreamsWithReuse_MatchAModel(int seed)
    {
        var random = new Random(seed);
        GoroutineState state = NewState();
        var live = new Dictionary<ulong, long>();
        var blocked = new Dictionary<ulong, byte>();
        ulong[] pool = [.. Enumerable.Range(1, 300).Select(i => 0xc000000000UL + ((ulong)i << 8))];
        for (int step = 0; step < 100_000; step++)
        {
            ulong g = pool[random.Next(pool.Length)];
            switch (random.Next(4))
            {
                case 0:
                    state.Apply(Create(g, step));
                    live[g] = step;
                    blocked.Remove(g);
                    break;
                case 1:
                    byte reason = (byte)random.Next(0, 16);
                    state.Apply(Park(g, reason, step));
                    if (live.ContainsKey(g))
                    {
                        if (s_reasons.IsBlocking(reason))
                        {
                            blocked[g] = reason;
                        }
                        else
                        {
                            blocked.Remove(g);
                        }
                    }

                    break;
                case 2:
                    state.Apply(Ready(g));
                    blocked.Remove(g);
                    break;
                default:
                    state.Apply(Destroy(g));
                    live.Remove(g);
                    blocked.Remove(g);
                    break;
            }

            Assert.Equal(live.Count, state.Live.Count);
            Assert.Equal(blocked.Count, state.Blocked.Count);
        }

        foreach (BlockedGoroutine b in new GoroutineView<BlockedGoroutine>(new TableReader<BlockedValue, BlockedGoroutine>(state.Blocked)))
        {
            Assert.Equal(blocked[b.GPointer], b.Reason);
            Assert.True(live.ContainsKey(b.GPointer));
        }

        foreach (GoroutineRecord r in new GoroutineView<GoroutineRecord>(new TableReader<LiveValue, GoroutineRecord>(state.Live)))
        {
            Assert.Equal(live[r.GPointer], r.CreateLineNumber);
        }
    }
}
