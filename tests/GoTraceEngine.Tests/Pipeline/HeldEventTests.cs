using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>
/// The reorder buffer holds events packed in two or three 24-byte units (<see cref="HeldEvent"/>): what it hands back is
/// what was pushed, value for value, whatever the event carries and wherever its units fall in the buffer's chunks.
/// </summary>
public sealed class HeldEventTests
{
    private const TraceEventFields Optional = TraceEventFields.Timestamp | TraceEventFields.Reason | TraceEventFields.WaitReason
        | TraceEventFields.StartFunction | TraceEventFields.Creator | TraceEventFields.ScriptBlocked;

    [Fact]
    public void EveryKindAndEveryMixOfValues_ComesBackAsPushed()
    {
        // Every kind with every combination of the four 8-byte values (parent or since, wait object, goid, pc) zero or
        // not, each value a different large number, names and codes at the ends of their ranges: two or three units each.
        var pushed = new List<TraceEvent>();
        long line = 0;
        for (int round = 0; round < 40; round++)
        {
            foreach (TraceEventKind kind in new[] { TraceEventKind.Create, TraceEventKind.Park, TraceEventKind.Ready, TraceEventKind.Destroy, TraceEventKind.Tick, TraceEventKind.End })
            {
                for (int mask = 0; mask < 16; mask++)
                {
                    line++;
                    bool since = kind == TraceEventKind.Park && (mask & 1) != 0 && round % 2 == 0;
                    TraceEventFields fields = Optional
                        | ((mask & 1) != 0 ? (since ? TraceEventFields.BlockedSince : TraceEventFields.Parent) : 0)
                        | ((mask & 2) != 0 ? TraceEventFields.WaitObject : 0)
                        | ((mask & 4) != 0 ? TraceEventFields.GoId : 0)
                        | ((mask & 8) != 0 ? TraceEventFields.CreatorPc : 0);
                    pushed.Add(new TraceEvent(
                        kind,
                        gPointer: 0xc000000000UL + (ulong)line * 0x1a0,
                        lineNumber: line * 997,
                        fields,
                        parent: (mask & 1) != 0 ? 0xfedcba9876543210UL - (ulong)line : 0,
                        reason: (byte)(255 - line % 7),
                        scriptBlocked: line % 3 == 0,
                        timestamp: 1_000_000_000L + line,
                        goId: (mask & 4) != 0 ? (line % 2 == 0 ? long.MaxValue - line : -line) : 0,
                        startFunction: (int)(NameTable.MaxNames - 1 - (line % 5)),
                        creator: (int)((1 << 21) - 1 - (line % 11)),
                        waitObject: (mask & 2) != 0 ? ulong.MaxValue - (ulong)line : 0,
                        waitReason: (byte)(line % 256),
                        creatorPc: (mask & 8) != 0 ? 0x8000000000000000UL + (ulong)line : 0));
                }
            }
        }

        AssertComesBackAsPushed(pushed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ExtendedEvents_AtAChunksEnd_StartTheNextChunk(int seed)
    {
        // Two-unit events to two units from a chunk's end (1 024 units), then one of three: it must not straddle the
        // chunks, and the unit it leaves must not be read as an event. After it, two-unit events leave one unit at the
        // next chunk's end. Then random mixes of both sizes over many chunks.
        var random = new Random(seed);
        var pushed = new List<TraceEvent>();
        for (int i = 0; i < 20_000; i++)
        {
            bool extended = i == 511 || (i > 2000 && random.Next(3) == 0);
            long line = i + 1;
            pushed.Add(new TraceEvent(
                TraceEventKind.Park,
                gPointer: (ulong)line,
                lineNumber: line,
                TraceEventFields.Timestamp | TraceEventFields.WaitObject | (extended ? TraceEventFields.GoId | TraceEventFields.CreatorPc : 0),
                timestamp: line * 10,
                goId: extended ? line : 0,
                waitObject: (ulong)line + 7,
                creatorPc: extended ? (ulong)line + 9 : 0));
        }

        AssertComesBackAsPushed(pushed);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 40)]
    public void ManyStreams_InterleavedAsTracersPrintThem_ComeBackWithEveryValue(int seed, int streams)
    {
        // Per-CPU streams each in time order, drained in turn: several lanes (and past 16 streams the heap) share the
        // chunk pool while the window moves; every value must come back, not only (ts, line).
        var random = new Random(seed);
        long[] clock = new long[streams];
        var pushed = new List<TraceEvent>();
        for (long line = 1; line <= 30_000; line++)
        {
            int cpu = (int)(line / 50 % streams);
            clock[cpu] += random.Next(1, 400);
            int kind = random.Next(4);
            pushed.Add(new TraceEvent(
                (TraceEventKind)(kind + 1),
                gPointer: 0xc000000000UL + (ulong)random.Next(1, 1 << 20) * 0x1a0,
                lineNumber: line,
                TraceEventFields.Timestamp,
                parent: kind == 0 ? 0xc000000000UL + (ulong)line : 0,
                reason: (byte)(kind == 1 ? random.Next(256) : 0),
                timestamp: clock[cpu],
                goId: kind == 0 || random.Next(10) == 0 ? line : 0,
                startFunction: kind == 0 ? random.Next(1, 1000) : 0,
                creator: kind == 0 ? random.Next(1, 1000) : 0,
                waitObject: kind == 1 ? 0xc000100000UL + (ulong)random.Next(1000) * 8 : 0,
                waitReason: (byte)(kind == 1 ? random.Next(256) : 0),
                creatorPc: kind == 0 && random.Next(2) == 0 ? 0x4a0000UL + (ulong)line : 0));
        }

        var buffer = new ReorderBuffer();
        var model = new SortedDictionary<(long Ts, long Line), TraceEvent>();
        foreach (TraceEvent e in pushed)
        {
            buffer.Push(in e);
            model.Add((e.Timestamp, e.LineNumber), e);
            long limit = e.Timestamp - 20_000;
            while (buffer.TryPopAtOrBefore(limit, out TraceEvent popped))
            {
                KeyValuePair<(long Ts, long Line), TraceEvent> expected = model.First();
                Assert.Equal(Values(expected.Value), Values(popped));
                model.Remove(expected.Key);
            }
        }

        while (buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent popped))
        {
            KeyValuePair<(long Ts, long Line), TraceEvent> expected = model.First();
            Assert.Equal(Values(expected.Value), Values(popped));
            model.Remove(expected.Key);
        }

        Assert.Empty(model);
        Assert.False(buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent none));
        Assert.Equal(Values(default), Values(none));
    }

    [Fact]
    public void Fits_AtTheEdgesOfItsBits()
    {
        static TraceEvent Event(long line = 1, int fn = 0, int creator = 0, TraceEventKind kind = TraceEventKind.Park, long count = 0) =>
            new(kind, 1, line, TraceEventFields.Timestamp, scriptCount: count, timestamp: 1, startFunction: fn, creator: creator);

        Assert.True(HeldEvent.Fits(Event(line: (1L << 44) - 1)));
        Assert.False(HeldEvent.Fits(Event(line: 1L << 44)));
        Assert.True(HeldEvent.Fits(Event(fn: (1 << 21) - 1, creator: (1 << 21) - 1)));
        Assert.False(HeldEvent.Fits(Event(fn: 1 << 21)));
        Assert.False(HeldEvent.Fits(Event(creator: 1 << 21)));
        Assert.False(HeldEvent.Fits(Event(kind: TraceEventKind.None)));
        Assert.True(HeldEvent.Fits(Event(kind: TraceEventKind.End)));

        // A script counter's value, with or without its field, goes to the heap: a lane has no room for it.
        Assert.False(HeldEvent.Fits(Event(count: 7)));
    }

    [Fact]
    public void EventsALaneCannotHold_GoToTheHeap_InOrder()
    {
        // The script's counters, and a line number past 2^44, do not fit: they wait in the heap, and still come
        // out in (ts, line) order among the others, with every value.
        var pushed = new List<TraceEvent>();
        for (long line = 1; line <= 3_000; line++)
        {
            bool counted = line % 10 == 0;
            bool farLine = line % 17 == 0;
            pushed.Add(new TraceEvent(
                counted ? TraceEventKind.Tick : TraceEventKind.Ready,
                gPointer: (ulong)line,
                lineNumber: farLine ? (1L << 44) + line : line,
                TraceEventFields.Timestamp | (counted ? TraceEventFields.ScriptCount | TraceEventFields.ScriptBlockedCount : 0),
                scriptCount: counted ? line * 3 : 0,
                scriptBlockedCount: counted ? line * 5 : 0,
                timestamp: line * 100));
        }

        Assert.Contains(pushed, e => !HeldEvent.Fits(in e) && e.Kind == TraceEventKind.Tick);
        Assert.Contains(pushed, e => !HeldEvent.Fits(in e) && e.LineNumber > (1L << 44));
        AssertComesBackAsPushed(pushed);
    }

    private static void AssertComesBackAsPushed(List<TraceEvent> pushed)
    {
        // Pushed in time order (one lane, chunk after chunk) and popped in time order: all at once, then as a window that
        // holds 700 events, so the chunks go back to the pool and are written again over what they held.
        TraceEvent[] expected = [.. pushed.OrderBy(e => e.Timestamp).ThenBy(e => e.LineNumber)];
        var buffer = new ReorderBuffer();
        foreach (TraceEvent e in pushed)
        {
            buffer.Push(in e);
        }

        Assert.Equal(pushed.Count, buffer.Count);
        foreach (TraceEvent e in expected)
        {
            Assert.True(buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent popped));
            Assert.Equal(Values(e), Values(popped));
        }

        Assert.Equal(0, buffer.Count);
        for (int round = 0; round < 3; round++)
        {
            int next = 0;
            foreach (TraceEvent e in pushed)
            {
                buffer.Push(in e);
                if (buffer.Count > 700)
                {
                    Assert.True(buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent popped));
                    Assert.Equal(Values(expected[next++]), Values(popped));
                }
            }

            while (buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent popped))
            {
                Assert.Equal(Values(expected[next++]), Values(popped));
            }

            Assert.Equal(expected.Length, next);
        }
    }

    private static string Values(in TraceEvent e) =>
        $"{e.Kind} g={e.GPointer:x} line={e.LineNumber} fields={e.Fields} parent={e.Parent:x} since={e.BlockedSince} reason={e.Reason} " +
        $"count={e.ScriptCount} blockedCount={e.ScriptBlockedCount} blocked={e.ScriptBlocked} ts={e.Timestamp} goid={e.GoId} " +
        $"fn={e.StartFunction} creator={e.Creator} obj={e.WaitObject:x} wait={e.WaitReason} pc={e.CreatorPc:x}";
}
