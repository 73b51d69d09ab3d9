namespace GoTraceEngine.Parsing;

/// <summary>Which keys a <c># gotrace</c> header line carried (<see cref="TraceHeader.Keys"/>).</summary>
/// <remarks>
/// One documented flag a member, the shape of every flag enum here (<see cref="TraceEventFields"/>): alike line by
/// line by nature, not a copy, so <c>duplicates</c> pairing the two is a deliberate exception.
/// </remarks>
[Flags]
internal enum TraceHeaderKeys : byte
{
    None = 0,

    /// <summary><c>tracer=</c>.</summary>
    Tracer = 1 << 0,

    /// <summary><c>os=</c>.</summary>
    Os = 1 << 1,

    /// <summary><c>arch=</c>.</summary>
    Arch = 1 << 2,

    /// <summary><c>go=</c>.</summary>
    Go = 1 << 3,

    /// <summary><c>reasons=</c>.</summary>
    Reasons = 1 << 4,
}
