using System.Runtime.ExceptionServices;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// The bounded single-producer, single-consumer handoff between the parsing thread (the caller) and an applying thread
/// it starts: a fixed ring of <see cref="ParsedBatch"/>es that both threads walk in the same order. The producer fills
/// <see cref="Current"/> and <see cref="Publish"/>es it; the applying thread applies batches in order and gives each
/// back. Two counting semaphores (filled, free) are the whole protocol — the classic bounded buffer — and their
/// release/wait pairs order the batches' contents between the threads.
/// </summary>
/// <remarks>
/// <para>Back-pressure: when every batch is full the producer waits (blocking its thread); when none is, the applying
/// thread waits. <see cref="SemaphoreSlim"/> spins briefly before it sleeps, so a steady stream rarely sleeps.</para>
/// <para>Nothing is allocated per batch: batches are recycled, and the waits allocate nothing without a cancellation
/// token. An exception on the applying thread is kept, the remaining batches are passed through unapplied so the
/// producer never waits forever, and the producer rethrows it at its next <see cref="Publish"/>, <see cref="Sync"/> or
/// <see cref="Stop"/>.</para>
/// <para>Producer members are called from one thread at a time.</para>
/// </remarks>
internal sealed class BatchChannel : IDisposable
{
    /// <summary>Batches in the ring: enough to ride out either side's hiccups (8 Ki events, about 800 KiB in all).</summary>
    public const int BatchCount = 8;

    private readonly ParsedBatch[] _batches;
    private readonly SemaphoreSlim _filled = new(0, BatchCount);
    private readonly SemaphoreSlim _free = new(BatchCount - 1, BatchCount);
    private readonly IBatchConsumer _consumer;
    private readonly Thread _thread;
    private int _produced; // the index of Current
    private volatile ExceptionDispatchInfo? _fault;
    private bool _stopped;

    /// <summary>Creates the batches and starts the applying thread.</summary>
    /// <param name="consumer">Applies each batch, on the applying thread.</param>
    public BatchChannel(IBatchConsumer consumer)
    {
        _consumer = consumer;
        _batches = new ParsedBatch[BatchCount];
        for (int i = 0; i < _batches.Length; i++)
        {
            _batches[i] = new ParsedBatch();
        }

        _thread = new Thread(static state => ((BatchChannel)state!).Consume()) { IsBackground = true, Name = "gotrace apply" };
        _thread.Start(this);
    }

    /// <summary>Bytes the applying thread allocated, once it has ended (for the allocation tests).</summary>
    public long ConsumerAllocatedBytes { get; private set; }

    /// <summary>The batch the producer fills now.</summary>
    public ParsedBatch Current => _batches[_produced];

    /// <summary>Hands <see cref="Current"/> to the applying thread and takes the next free batch, waiting for one if need be.</summary>
    /// <exception cref="Exception">Applying an earlier batch threw: that exception.</exception>
    public void Publish()
    {
        _filled.Release();
        _produced = (_produced + 1) % BatchCount;
        _free.Wait();
        _fault?.Throw();
        Current.Clear();
    }

    /// <summary>Hands over what <see cref="Current"/> holds and waits until every batch is applied and the prefetch ring is empty: the tables may be read.</summary>
    /// <exception cref="Exception">Applying a batch threw: that exception.</exception>
    public void Sync()
    {
        Current.FlushesRing = true;
        Publish();
        for (int i = 0; i < BatchCount - 1; i++)
        {
            _free.Wait();
        }

        _free.Release(BatchCount - 1);
        _fault?.Throw();
    }

    /// <summary>Hands over what <see cref="Current"/> holds as the last batch and waits for the applying thread to end.</summary>
    /// <param name="throwFault">Whether to rethrow an exception the applying thread met (false while another one is already in flight).</param>
    /// <exception cref="Exception">Applying a batch threw: that exception.</exception>
    public void Stop(bool throwFault = true)
    {
        if (!_stopped)
        {
            _stopped = true;
            ParsedBatch last = Current;
            last.FlushesRing = true;
            last.IsFinal = true;
            _filled.Release();
            _thread.Join();
        }

        if (throwFault)
        {
            _fault?.Throw();
        }
    }

    /// <summary>Stops the applying thread if it still runs and releases the semaphores.</summary>
    public void Dispose()
    {
        Stop(throwFault: false);
        _filled.Dispose();
        _free.Dispose();
    }

    private void Consume()
    {
        long allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        for (int consumed = 0; ; consumed = (consumed + 1) % BatchCount)
        {
            _filled.Wait();
            ParsedBatch batch = _batches[consumed];
            bool final = batch.IsFinal;
            if (_fault is null)
            {
                try
                {
                    _consumer.Apply(batch);
                }
                catch (Exception e)
                {
                    _fault = ExceptionDispatchInfo.Capture(e);
                }
            }

            if (final)
            {
                ConsumerAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart;
                return;
            }

            _free.Release();
        }
    }
}
