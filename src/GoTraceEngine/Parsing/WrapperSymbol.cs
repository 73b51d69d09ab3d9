namespace GoTraceEngine.Parsing;

/// <summary>
/// <c># gotrace wrapper WRAPPER WRAPPED</c>: the compiler's wrapper for a <c>go f(…)</c> statement (or a method
/// value), as the tracer prints it in <c>fn=</c>, and the function it calls, as Go's tracebacks name it.
/// </summary>
/// <remarks>Both names are slices of the line they were parsed from: copy them before the line's buffer is reused.</remarks>
internal readonly ref struct WrapperSymbol
{
    public WrapperSymbol(ReadOnlySpan<byte> wrapper, ReadOnlySpan<byte> wrapped)
    {
        Wrapper = wrapper;
        Wrapped = wrapped;
    }

    /// <summary>The wrapper's name (<c>main.startPool.gowrap1</c>, <c>main.startPool.func1</c>).</summary>
    public ReadOnlySpan<byte> Wrapper { get; }

    /// <summary>The function the wrapper calls (<c>main.worker</c>).</summary>
    public ReadOnlySpan<byte> Wrapped { get; }
}
