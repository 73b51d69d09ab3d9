namespace GoTraceEngine.Verdict;

/// <summary>What the verdict calls a blocked goroutine.</summary>
internal enum VerdictClass : byte
{
    /// <summary>Blocked within what the trace shows is normal for it: a live line, its group's usual wait, or too young to judge.</summary>
    Waiting = 0,

    /// <summary>Looks leaked, but the trace holds too little history to say so with confidence.</summary>
    Likely = 1,

    /// <summary>Leaked: blocked far past anything the trace shows would release it, or with nothing left running to release it.</summary>
    Leak = 2,
}

/// <summary>Which rule decided a <see cref="VerdictClass"/>; a report turns it and the numbers into words.</summary>
internal enum VerdictRule : byte
{
    /// <summary>No rule ran (the default value).</summary>
    None = 0,

    /// <summary>Nothing has happened anywhere for a long while (the program quiesced): whatever is still blocked stays blocked.</summary>
    Quiesced,

    /// <summary>Nothing was released anywhere since it parked.</summary>
    NothingReleasedSincePark,

    /// <summary>Blocked for less than the floor under which no wait is judged.</summary>
    UnderFloor,

    /// <summary>Others parked on its object were released after it parked, and recently: it waits in a line that moves.</summary>
    ObjectStillReleasing,

    /// <summary>Blocked no longer than its group's longest release.</summary>
    WithinGroupReleases,

    /// <summary>Blocked longer than its group's longest release, but less than the leak multiple of it.</summary>
    BeyondGroupReleases,

    /// <summary>Blocked more than the leak multiple of its group's longest release (a multiple that grows when the group released only a few times).</summary>
    FarBeyondGroupReleases,

    /// <summary>
    /// Its wait object released nothing since before it parked, others parked on it since, and that silence has lasted
    /// more than the leak multiple of its group's longest release: a lock or channel that stopped working.
    /// </summary>
    ObjectStalled,

    /// <summary>
    /// Blocked longer than its group's longest release, in a group holding far more blocked goroutines than its park
    /// rate and longest release explain (Little's law): goroutines are piling up.
    /// </summary>
    GroupAccumulating,

    /// <summary>Its group never released a goroutine and has kept parking for longer than any group took to see its first release.</summary>
    GroupNeverReleased,

    /// <summary>Its group never released a goroutine, but has not existed long enough to be sure.</summary>
    GroupNeverReleasedYet,

    /// <summary>
    /// Its group holds goroutines created before the trace that ran in it (an attach), and the trace saw too few of
    /// its releases to measure its waits (none, or fewer than <see cref="VerdictOptions.MinReleases"/> independent ones):
    /// waits that began before the trace, or outlast it so far, are never seen to end.
    /// </summary>
    GroupPredatesTrace,

    /// <summary>
    /// Its group never released a goroutine, but groups of the same start function and park reason started at other
    /// go statements hold goroutines created before the trace, with too few releases to measure their waits (as in
    /// <see cref="GroupPredatesTrace"/>): the same kind of goroutine, whose waits the trace has not seen end.
    /// </summary>
    SameFunctionElsewhere,

    /// <summary>
    /// The program's main goroutine (<c>runtime.main</c>) while the program had not ended by itself at the trace's end:
    /// a server's main blocks for its whole life, and only the program's end releases it.
    /// </summary>
    MainGoroutine,
}

/// <summary>What the verdict's times are measured in.</summary>
internal enum VerdictClock : byte
{
    /// <summary>Nanoseconds of trace time (<c>ts=</c>).</summary>
    Nanoseconds = 0,

    /// <summary>Event order: a trace without timestamps uses line numbers, so a duration is a count of lines.</summary>
    Events = 1,
}
