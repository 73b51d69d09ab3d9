namespace GoTraceEngine.Parsing;

/// <summary>
/// <c># gotrace site 0xPC FUNCTION FILE:LINE</c>: a <c>go</c> statement's pc (what the runtime stores in
/// <c>g.gopc</c>, and create lines print as <c>gopc=</c>), the function it is in and its source line, as a Go
/// traceback prints them under <c>created by</c>.
/// </summary>
/// <remarks>The spans are slices of the line they were parsed from: copy them before the line's buffer is reused.</remarks>
internal readonly ref struct SiteSymbol
{
    public SiteSymbol(ulong pc, ReadOnlySpan<byte> function, ReadOnlySpan<byte> file, int line)
    {
        Pc = pc;
        Function = function;
        File = file;
        Line = line;
    }

    /// <summary>The pc after the call to <c>runtime.newproc</c>.</summary>
    public ulong Pc { get; }

    /// <summary>The function holding the <c>go</c> statement (<c>main.startPool</c>).</summary>
    public ReadOnlySpan<byte> Function { get; }

    /// <summary>The source file; it may contain blanks (everything between the function and the last <c>:</c>).</summary>
    public ReadOnlySpan<byte> File { get; }

    /// <summary>The 1-based source line.</summary>
    public int Line { get; }
}
