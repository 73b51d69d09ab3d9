using GoTraceEngine.Pipeline;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>
/// <see cref="ChunkPipeline"/>'s turns on their own, with a worker that records what it is given: an order turn that
/// takes the apply turn too (<see cref="ChunkPipeline.AwaitApplyTurn"/>) never waits on the reading thread, which may be
/// away reading for as long as its input takes, and does not keep the pipeline from stopping; a turn stays with the
/// thread that took it last while the other has chunks to parse, and a free thread always takes work when there is some.
/// </summary>
public sealed class ChunkPipelineTests
{
    private const int Chunks = 10;

    [Fact]
    public void AwaitApplyTurn_ReadingThreadAway_TheTurnAppliesTheChunksBeforeItself()
    {
        // The helper orders chunk 1 and is held there while the reading thread, out of free slots, parses the chunks
        // after it; chunk 3's order turn (a continuation of the helper's) then takes the apply turn while chunk 2 is
        // ordered but not applied, and the reading thread has gone back to reading. Every chunk must still be applied.
        // Not disposed on failure: a pipeline stuck that way would not stop (the helper is a background thread).
        (ChunkPipeline pipeline, GatedWorker worker) = Start();
        Assert.True(worker.TakingTables.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(
            SpinWait.SpinUntil(() => Volatile.Read(ref worker.Applied) == Chunks, TimeSpan.FromSeconds(10)),
            $"applied {Volatile.Read(ref worker.Applied)} of {Chunks} chunks while the reading thread was away");
        pipeline.Finish(out ReadOnlySpan<byte> partial, out long discarded);
        pipeline.Dispose();
        Assert.True(partial.IsEmpty);
        Assert.Equal(0, discarded);
        Assert.Equal(Enumerable.Range(0, Chunks), worker.AppliedInOrder());
    }

    [Fact]
    public async Task Dispose_WhileAnOrderTurnTakesTheApplyTurn_Returns()
    {
        (ChunkPipeline pipeline, GatedWorker worker) = Start();
        Assert.True(worker.TakingTables.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Task disposed = Task.Run(pipeline.Dispose, TestContext.Current.CancellationToken);
        Task ended = await Task.WhenAny(disposed, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(ended == disposed, "Dispose did not return");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void NextTurn_ATurnStaysWithItsThread_WhileTheOtherHasChunksToParse(int holder)
    {
        int other = 1 - holder;
        Assert.Equal(ChunkPipeline.Turn.Apply, ChunkPipeline.NextTurn(holder, canApply: true, canOrder: true, parseLeft: true, applier: holder, orderer: other));
        Assert.Equal(ChunkPipeline.Turn.Order, ChunkPipeline.NextTurn(other, canApply: true, canOrder: true, parseLeft: true, applier: holder, orderer: other));
        Assert.Equal(ChunkPipeline.Turn.Parse, ChunkPipeline.NextTurn(other, canApply: true, canOrder: false, parseLeft: true, applier: holder, orderer: holder));
        Assert.Equal(ChunkPipeline.Turn.Parse, ChunkPipeline.NextTurn(other, canApply: false, canOrder: true, parseLeft: true, applier: holder, orderer: holder));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void NextTurn_NothingLeftToParse_EitherThreadTakesAFreeTurn(int worker)
    {
        int other = 1 - worker;
        Assert.Equal(ChunkPipeline.Turn.Apply, ChunkPipeline.NextTurn(worker, canApply: true, canOrder: true, parseLeft: false, applier: other, orderer: other));
        Assert.Equal(ChunkPipeline.Turn.Order, ChunkPipeline.NextTurn(worker, canApply: false, canOrder: true, parseLeft: false, applier: other, orderer: other));
        Assert.Equal(ChunkPipeline.Turn.None, ChunkPipeline.NextTurn(worker, canApply: false, canOrder: false, parseLeft: false, applier: other, orderer: other));
    }

    [Fact]
    public void NextTurn_ATurnNoOneHasTaken_GoesToTheFirstThreadFree()
    {
        Assert.Equal(ChunkPipeline.Turn.Apply, ChunkPipeline.NextTurn(1, canApply: true, canOrder: true, parseLeft: true, applier: -1, orderer: -1));
        Assert.Equal(ChunkPipeline.Turn.Order, ChunkPipeline.NextTurn(1, canApply: false, canOrder: true, parseLeft: true, applier: -1, orderer: -1));
    }

    [Fact]
    public void NextTurn_WheneverThereIsWork_SomeIsTaken()
    {
        // Neither thread may wait while there is work it could do: the pipeline's loops sleep only when it says none.
        foreach (bool canApply in new[] { false, true })
        {
            foreach (bool canOrder in new[] { false, true })
            {
                foreach (bool parseLeft in new[] { false, true })
                {
                    for (int worker = 0; worker < 2; worker++)
                    {
                        for (int applier = -1; applier < 2; applier++)
                        {
                            for (int orderer = -1; orderer < 2; orderer++)
                            {
                                ChunkPipeline.Turn turn = ChunkPipeline.NextTurn(worker, canApply, canOrder, parseLeft, applier, orderer);
                                Assert.Equal(canApply || canOrder || parseLeft, turn != ChunkPipeline.Turn.None);
                                Assert.True(turn != ChunkPipeline.Turn.Apply || canApply);
                                Assert.True(turn != ChunkPipeline.Turn.Order || canOrder);
                                Assert.True(turn != ChunkPipeline.Turn.Parse || parseLeft);
                            }
                        }
                    }
                }
            }
        }
    }

    private static (ChunkPipeline Pipeline, GatedWorker Worker) Start()
    {
        var worker = new GatedWorker();
        var pipeline = new ChunkPipeline(worker, chunkSize: 16, maxLineLength: 1000, linesBefore: 0);
        worker.Pipeline = pipeline;
        byte[] line = "0123456789abcde\n"u8.ToArray();

        // Each write fills a 16-byte chunk with one line: chunk i starts at line i + 1.
        pipeline.Write(line);
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref worker.Applied) == 1, TimeSpan.FromSeconds(10)));
        pipeline.Write(line);
        Assert.True(worker.OrderingChunk1.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        for (int i = 2; i < Chunks - 1; i++)
        {
            pipeline.Write(line);
        }

        _ = Task.Run(() =>
        {
            Thread.Sleep(200);
            worker.ReleaseChunk1.Set();
        });

        // Out of free slots: the reading thread parses, orders or applies until one is free, then returns.
        pipeline.Write(line);
        return (pipeline, worker);
    }

    private sealed class GatedWorker : IChunkWorker
    {
        private readonly List<int> _applied = [];

        public ChunkPipeline? Pipeline;
        public int Applied;

        public ManualResetEventSlim OrderingChunk1 { get; } = new();

        public ManualResetEventSlim ReleaseChunk1 { get; } = new();

        public ManualResetEventSlim TakingTables { get; } = new();

        public void Parse(ParsedChunk chunk, int worker)
        {
        }

        public void Order(ParsedChunk chunk)
        {
            switch (Index(chunk))
            {
                case 1:
                    OrderingChunk1.Set();
                    ReleaseChunk1.Wait();
                    break;
                case 2:
                    Thread.Sleep(300);
                    break;
                case 3:
                    // A burst: this order turn applies what it releases itself.
                    TakingTables.Set();
                    Pipeline!.AwaitApplyTurn();
                    Pipeline.ReleaseApplyTurn();
                    break;
                default:
                    break;
            }
        }

        public void Apply(ParsedChunk chunk)
        {
            lock (_applied)
            {
                _applied.Add(Index(chunk));
            }

            Interlocked.Increment(ref Applied);
        }

        public int[] AppliedInOrder()
        {
            lock (_applied)
            {
                return [.. _applied];
            }
        }

        private static int Index(ParsedChunk chunk) => (int)(chunk.FirstLine - 1);
    }
}
