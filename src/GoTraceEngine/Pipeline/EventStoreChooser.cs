namespace GoTraceEngine.Pipeline;

/// <summary>
/// Chooses, chunk by chunk, how a parsing thread writes its parsed events into the chunk's batch: with ordinary stores,
/// or streaming (<see cref="ParsedBatch.AppendStreaming"/>: non-temporal stores, which go to memory without first
/// taking the cache lines from the core that last read them). Each parsing thread has its own.
/// </summary>
/// <remarks>
/// <para>The batch a thread parses into was last read on the other core (its order or apply turn), so every line of
/// it an ordinary store writes must first be taken back from that core. What that costs depends on where the two
/// cores are. Measured on the 2-vCPU hosts this is built on, where it changes within seconds (a cache line's round
/// trip between the two threads was 58–100 ns at some moments and 370–870 ns at others): when the round trip was
/// slow, parsing in place took 1.78x the CPU of the same parse with both threads pinned to one core, and about twice
/// the time per byte of streaming, and streaming made a whole replay 1.15–1.4x faster; when it was fast, streaming
/// parsed no faster (1.03–1.07 against 0.92–0.94 ticks a byte) and made the replay 0.89x as fast (the apply turn then
/// reads the events from memory instead of the other core's cache).</para>
/// <para>So the choice is measured, not fixed: each chunk's parse is timed per byte, the two ways keep their own
/// running estimates, and streaming is chosen only while it parses in under <see cref="StreamBelow"/> of the other
/// way's time (the cost streaming adds falls on the reading side, which this does not see). One chunk in
/// <see cref="ExploreEvery"/> is parsed the other way, so a change of the host's state is followed within a few
/// megabytes. Reports do not depend on the choice: the bytes written are the same.</para>
/// </remarks>
/// <param name="forced">Always stream (<see langword="true"/>) or never (<see langword="false"/>), for tests; <see langword="null"/>: as measured.</param>
internal sealed class EventStoreChooser(bool? forced = null)
{
    /// <summary>One chunk in this many is parsed the way not chosen, to keep its estimate current.</summary>
    public const int ExploreEvery = 32;

    /// <summary>Streaming is chosen while its parse time per byte is under this fraction of the ordinary stores'.</summary>
    public const double StreamBelow = 0.8;

    /// <summary>Chunks smaller than this (a heartbeat's or the input's last) are not timed: too short to measure.</summary>
    public const int MinTimedBytes = 16 * 1024;

    // Running estimates of a chunk's parse time per byte (Stopwatch ticks), each from its own way's chunks; 0: none yet.
    private double _ordinary;
    private double _streaming;
    private long _chunks;

    /// <summary>Whether the chunks parsed now stream their events (without the chunks parsed the other way to explore).</summary>
    public bool Streams => _ordinary > 0 && _streaming > 0 && _streaming < StreamBelow * _ordinary;

    /// <summary>Whether the next chunk streams its events: the chosen way, except that one chunk in <see cref="ExploreEvery"/> (and the first of each way) tries the other.</summary>
    public bool NextStreams()
    {
        if (forced is { } always)
        {
            return always;
        }

        long chunk = _chunks++;
        if (_ordinary == 0)
        {
            return false;
        }

        if (_streaming == 0)
        {
            return true;
        }

        return Streams != (chunk % ExploreEvery == ExploreEvery - 1);
    }

    /// <summary>Takes a chunk's parse time into its way's estimate (and so into <see cref="Streams"/>).</summary>
    /// <param name="streamed">Whether the chunk streamed its events.</param>
    /// <param name="ticks">Its parse time, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    /// <param name="bytes">Its length.</param>
    public void Record(bool streamed, long ticks, int bytes)
    {
        if (bytes < MinTimedBytes || ticks <= 0)
        {
            return;
        }

        double perByte = (double)ticks / bytes;
        ref double estimate = ref streamed ? ref _streaming : ref _ordinary;

        // A running mean of the way's last few chunks, quick to follow a change (the way not chosen is timed only one
        // chunk in ExploreEvery); a chunk preempted or interrupted moves it by half at most.
        estimate = estimate == 0 ? perByte : 0.5 * (estimate + Math.Clamp(perByte, estimate / 2, estimate * 2));
    }
}
