namespace GoTraceEngine.Generation;

/// <summary>What <see cref="TraceGenerator"/> writes. <c>default</c> gives the documented defaults.</summary>
public readonly record struct TraceGeneratorOptions
{
    private readonly int _live;
    private readonly int _cpus;

    /// <summary>The random seed: the same options write the same bytes.</summary>
    public int Seed { get; init; }

    /// <summary>The line format (default <see cref="TraceFormat.Quiet"/>).</summary>
    public TraceFormat Format { get; init; }

    /// <summary>Stop after this many goroutine events (0: no limit by count). One of <see cref="Events"/> or <see cref="Bytes"/> is needed.</summary>
    public long Events { get; init; }

    /// <summary>Stop once this many bytes are written (0: no limit by size); the last record is completed.</summary>
    public long Bytes { get; init; }

    /// <summary>The steady population of live goroutines (default 1000; up to millions).</summary>
    public int Live { get => _live > 0 ? _live : 1000; init => _live = value; }

    /// <summary>Goroutines that block forever (on a channel, select or lock nobody signals), spread over the trace.</summary>
    public int Leaks { get; init; }

    /// <summary>CPUs whose buffers are drained in turn (default 2): sets the CPU column and, in the full format, the disorder.</summary>
    public int Cpus { get => _cpus > 0 ? _cpus : 2; init => _cpus = value; }
}
