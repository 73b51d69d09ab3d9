namespace GoTraceEngine.Parsing;

/// <summary>
/// The values of a <c># gotrace tracer=… os=… arch=… go=… reasons=…</c> header line, as slices of the line. A key
/// that was not printed is empty and absent from <see cref="Keys"/>; a key printed with an empty value is empty and
/// present. What the header does (which reason tables it selects) is the engine's decision.
/// </summary>
/// <remarks>The spans are slices of the line they were parsed from: copy them before the line's buffer is reused.</remarks>
internal readonly ref struct TraceHeader
{
    /// <summary>Which keys the line carried.</summary>
    public TraceHeaderKeys Keys { get; init; }

    /// <summary><c>tracer=</c>: the tracer that printed the trace (<c>bpftrace</c>, <c>dtrace</c>, <c>gen</c>).</summary>
    public ReadOnlySpan<byte> Tracer { get; init; }

    /// <summary><c>os=</c>: the traced program's operating system.</summary>
    public ReadOnlySpan<byte> Os { get; init; }

    /// <summary><c>arch=</c>: the traced program's architecture.</summary>
    public ReadOnlySpan<byte> Arch { get; init; }

    /// <summary><c>go=</c>: the Go version the program was built with (<c>go1.22.5</c>, <c>1.22</c>).</summary>
    public ReadOnlySpan<byte> Go { get; init; }

    /// <summary><c>reasons=</c>: what <c>reason=</c> carries (<c>trace</c> or <c>wait</c>).</summary>
    public ReadOnlySpan<byte> Reasons { get; init; }

    /// <summary>Whether the line carried <paramref name="key"/>.</summary>
    /// <param name="key">One key.</param>
    /// <returns><see langword="true"/> when it was printed, even with an empty value.</returns>
    public bool Has(TraceHeaderKeys key) => (Keys & key) == key;
}
