using System.Diagnostics;
using GoTraceEngine.Reporting;
using Microsoft.Extensions.ObjectPool;

namespace GoTraceEngine.Cli;

/// <summary>The engine's side of a watch: feeds input and publishes pooled snapshots at the refresh interval.</summary>
internal sealed class WatchSession(TraceEngine engine, TimeSpan interval, MetricsExport? metrics = null)
{
    private readonly ObjectPool<WatchSnapshot> _pool = new DefaultObjectPool<WatchSnapshot>(new DefaultPooledObjectPolicy<WatchSnapshot>(), 4);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private WatchSnapshot? _latest;
    private long _lastBytes;
    private double _lastInput;

    public TraceEngine Engine => engine;

    public TimeSpan Interval => interval;

    public WatchSnapshot? TakeLatest() => Interlocked.Exchange(ref _latest, null);

    public void Return(WatchSnapshot snapshot) => _pool.Return(snapshot);

    /// <summary>
    /// Fills a pooled snapshot from the engine and publishes it. Call between feeds: on the feeding thread, or under
    /// the lock every feed holds (<see cref="PublishUntilAsync"/>).
    /// </summary>
    public void Publish()
    {
        double now = _clock.Elapsed.TotalSeconds;
        if (engine.BytesRead != _lastBytes)
        {
            _lastBytes = engine.BytesRead;
            _lastInput = now;
        }

        WatchSnapshot snapshot = _pool.Get();
        snapshot.Fill(engine, now, now - _lastInput);
        if (Interlocked.Exchange(ref _latest, snapshot) is { } unread)
        {
            _pool.Return(unread);
        }
    }

    /// <summary>
    /// For an engine fed on another thread (<c>gotrace trace --watch</c> feeds it from the tracer's output as it is
    /// written): publishes a snapshot every interval until <paramref name="work"/> ends, also while no input arrives.
    /// Each snapshot is taken under <paramref name="feedLock"/>, which every feed holds too, so it never reads the
    /// engine in the middle of a feed.
    /// </summary>
    public async Task PublishUntilAsync(Task work, Lock feedLock)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(interval)).ConfigureAwait(false);
            lock (feedLock)
            {
                Publish();
            }
        }
    }

    /// <summary>
    /// Feeds the engine from <paramref name="input"/> and publishes a snapshot every interval, also while the input is
    /// idle (the engine's heartbeat runs between reads, on the feeding thread); Ctrl-C ends it with what was read.
    /// </summary>
    public async Task IngestAsync(Stream input, CancellationToken cancellationToken)
    {
        try
        {
            await engine.ReplayAsync(
                input,
                interval,
                _ =>
                {
                    Publish();
                    metrics?.Sample(engine);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            engine.Complete(IncompleteReason.Interrupted, EndedEarly.ReplayInterrupted);
        }

        Publish();
    }
}
