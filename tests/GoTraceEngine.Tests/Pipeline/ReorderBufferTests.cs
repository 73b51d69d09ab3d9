using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>The reorder buffer hands events back in (timestamp, line) order, whatever the order of pushes and pops.</summary>
public sealed class ReorderBufferTests
{
    [Theory]
    [InlineData(1, 4, 0.0)]   // four per-CPU streams, each in order: lanes only
    [InlineData(2, 4, 0.05)]  // and a few stragglers
    [InlineData(3, 40, 0.0)]  // more streams than lanes: the heap takes the rest
    [InlineData(4, 8, 0.5)]   // half the events anywhere in the window: lanes and heap together
    [InlineData(5, 1, 0.0)]   // already sorted
    [InlineData(6, 64, 0.5)]  // many streams and stragglers: the heap holds the earliest event often
    public void PushesAndPops_AnyInterleaving_ComeOutInTimestampLineOrder(int seed, int streams, double scatter)
    {
        var random = new Random(seed);
        var buffer = new ReorderBuffer();
        var model = new SortedSet<(long Ts, long Line)>();
        long[] streamClock = new long[streams];
        long line = 0;
        long now = 0;
        for (int step = 0; step < 200_000; step++)
        {
            int op = random.Next(10);
            if (op < 6)
            {
                // Push: the next event of a random stream, or a straggler up to 5 000 ns behind the newest.
                int s = random.Next(streams);
                streamClock[s] += random.Next(0, 50);
                long ts = random.NextDouble() < scatter ? Math.Max(0, now - random.Next(5_000)) : streamClock[s];
                now = Math.Max(now, ts);
                line++;
                var e = new TraceEvent(TraceEventKind.Park, (ulong)line, line, TraceEventFields.Timestamp, timestamp: ts);
                buffer.Push(in e);
                model.Add((ts, line));
            }
            else if (op < 9)
            {
                // Whatever is due by a limit around the window's edge.
                long limit = now - random.Next(0, 3_000);
                while (buffer.TryPopAtOrBefore(limit, out TraceEvent popped))
                {
                    (long Ts, long Line) expected = model.Min;
                    Assert.True(expected.Ts <= limit, $"popped ts={popped.Timestamp} with limit {limit}: nothing was due");
                    Assert.Equal(expected, (popped.Timestamp, popped.LineNumber));
                    model.Remove(expected);
                }

                Assert.True(model.Count == 0 || model.Min.Ts > limit, $"an event at ts={model.Min.Ts} was due by {limit} and was not popped");
            }
            else if (buffer.Count > 0)
            {
                TraceEvent popped = buffer.Pop();
                (long Ts, long Line) expected = model.Min;
                Assert.Equal(expected, (popped.Timestamp, popped.LineNumber));
                model.Remove(expected);
            }

            Assert.Equal(model.Count, buffer.Count);
        }

        while (buffer.TryPopAtOrBefore(long.MaxValue, out TraceEvent rest))
        {
            (long Ts, long Line) expected = model.Min;
            Assert.Equal(expected, (rest.Timestamp, rest.LineNumber));
            model.Remove(expected);
        }

        Assert.Empty(model);
        Assert.Equal(0, buffer.Count);
    }
}
