using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>
/// A parsing thread streams its events only while streaming parses measurably faster, keeps timing the way it did not
/// choose, follows the host when that changes, and a streamed event reads back as it was parsed.
/// </summary>
public sealed class EventStoreChooserTests
{
    private const int Chunk = 128 * 1024;

    [Fact]
    public void StartsWithOrdinaryStores_ThenTimesStreamingOnce()
    {
        var chooser = new EventStoreChooser();
        Assert.False(chooser.NextStreams());
        Assert.False(chooser.NextStreams());
        chooser.Record(streamed: false, ticks: 2 * Chunk, Chunk);
        Assert.True(chooser.NextStreams());
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.5, true)]
    [InlineData(1.7, false)]
    [InlineData(2.0, false)]
    [InlineData(2.6, false)]
    public void StreamsOnlyWhenItParsesUnderFourFifthsOfTheOrdinaryTime(double streamingTicksPerByte, bool streams)
    {
        EventStoreChooser chooser = Measured(ordinary: 2.0, streaming: streamingTicksPerByte);
        Assert.Equal(streams, chooser.Streams);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TriesTheOtherWayOneChunkInThirtyTwo(bool streamingFaster)
    {
        EventStoreChooser chooser = Measured(ordinary: 2.0, streaming: streamingFaster ? 1.0 : 2.0);
        int other = 0;
        for (int i = 0; i < 10 * EventStoreChooser.ExploreEvery; i++)
        {
            bool streams = chooser.NextStreams();
            other += streams != streamingFaster ? 1 : 0;
            chooser.Record(streams, (long)((streams ? (streamingFaster ? 1.0 : 2.0) : 2.0) * Chunk), Chunk);
        }

        Assert.Equal(10, other);
    }

    [Fact]
    public void FollowsTheHost_WhenOrdinaryStoresBecomeCheap_AndBackAgain()
    {
        // Streaming chosen while ordinary stores cost twice as much; then they cost what streaming does (the cores
        // came close): the explored ordinary chunks bring its estimate down within a few explorations.
        EventStoreChooser chooser = Measured(ordinary: 2.0, streaming: 1.0);
        Assert.True(chooser.Streams);
        int chunks = Run(chooser, ordinary: 1.0, streaming: 1.0, until: streams => !streams);
        Assert.InRange(chunks, 1, 4 * EventStoreChooser.ExploreEvery);

        chunks = Run(chooser, ordinary: 2.0, streaming: 1.0, until: streams => streams);
        Assert.InRange(chunks, 1, 4 * EventStoreChooser.ExploreEvery);
    }

    [Fact]
    public void OnePreemptedChunk_DoesNotTurnTheChoice()
    {
        EventStoreChooser chooser = Measured(ordinary: 2.0, streaming: 1.0);

        // A streamed chunk that took 50 times as long (the thread was preempted) counts as twice at most.
        chooser.Record(streamed: true, ticks: 50L * Chunk, Chunk);
        Assert.True(chooser.Streams);
    }

    [Fact]
    public void SmallChunks_AreNotTimed()
    {
        EventStoreChooser chooser = Measured(ordinary: 2.0, streaming: 1.0);
        for (int i = 0; i < 100; i++)
        {
            chooser.Record(streamed: true, ticks: 100L * 1024, 1024);
        }

        Assert.True(chooser.Streams);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forced_AlwaysTheSameWay(bool streams)
    {
        var chooser = new EventStoreChooser(streams);
        for (int i = 0; i < 3 * EventStoreChooser.ExploreEvery; i++)
        {
            Assert.Equal(streams, chooser.NextStreams());
            chooser.Record(!streams, 100L * Chunk, Chunk);
        }
    }

    [Fact]
    public void AppendStreaming_ReadsBackAsParsed()
    {
        // It writes whole 8-byte words: an event's size must be a multiple of them, or its tail would be left unwritten.
        Assert.Equal(0, Unsafe.SizeOf<TraceEvent>() % sizeof(ulong));
        var batch = new ParsedBatch(eventCapacity: 4);
        TraceEvent[] events =
        [
            new(TraceEventKind.Create, 0xc000123456, 7, TraceEventFields.Timestamp | TraceEventFields.GoId | TraceEventFields.StartFunction,
                parent: 0xc000000001, timestamp: 1_000_000_123, goId: 42, startFunction: 3, creator: 4, creatorPc: 0x4a5b6c),
            new(TraceEventKind.Park, ulong.MaxValue, long.MaxValue, (TraceEventFields)ushort.MaxValue, reason: 255,
                scriptCount: -1, scriptBlockedCount: long.MinValue, scriptBlocked: true, timestamp: -5, waitObject: ulong.MaxValue, waitReason: 254),
            new(TraceEventKind.Ready, 1, 1),
        ];
        foreach (TraceEvent e in events)
        {
            batch.AppendStreaming(in e);
        }

        ParsedBatch.PublishStreamed();
        Assert.Equal(events, batch.Events.ToArray());
    }

    private static EventStoreChooser Measured(double ordinary, double streaming)
    {
        var chooser = new EventStoreChooser();
        chooser.Record(streamed: false, (long)(ordinary * Chunk), Chunk);
        chooser.Record(streamed: true, (long)(streaming * Chunk), Chunk);
        return chooser;
    }

    /// <summary>Parses chunks at these costs until <paramref name="until"/> holds for the choice; returns how many.</summary>
    private static int Run(EventStoreChooser chooser, double ordinary, double streaming, Func<bool, bool> until)
    {
        for (int chunk = 1; chunk <= 100 * EventStoreChooser.ExploreEvery; chunk++)
        {
            bool streams = chooser.NextStreams();
            chooser.Record(streams, (long)((streams ? streaming : ordinary) * Chunk), Chunk);
            if (until(chooser.Streams))
            {
                return chunk;
            }
        }

        return int.MaxValue;
    }
}
